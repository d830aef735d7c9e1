"""The example notebooks run headlessly against the test Neo4j, and are stored without
outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import neo4j
import pytest
from nbclient import NotebookClient

from app.core.config import REPO_ROOT, Settings

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert {path.name for path in NOTEBOOKS} >= {
        "russia-north-korea-2023-2024.ipynb",
        "who-mattered-june-2018.ipynb",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name} cell {number} has outputs; clear them before committing "
                "(jupyter nbconvert --clear-output --inplace)"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_without_error(
    path: Path, bundled: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel reads its connection as any notebook does: from the environment.
    monkeypatch.setenv("TKG_INSTANCE", settings.tkg_instance)
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri or "")
    if settings.neo4j_uri:
        monkeypatch.setenv("NEO4J_PASSWORD", settings.neo4j_password.get_secret_value())
    for name, port in (
        ("NEO4J_BOLT_PORT", settings.neo4j_bolt_port),
        ("NEO4J_HTTP_PORT", settings.neo4j_http_port),
    ):
        if port:
            monkeypatch.setenv(name, str(port))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    runner = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    runner.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
