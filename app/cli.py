"""`tkg`: run the local Neo4j, apply the schema, load data, serve the API."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from app.core.config import REPO_ROOT, Settings, get_settings
from app.core.neo4j_server import RUNTIME_DIR, LocalNeo4j, Neo4jServerError

app = typer.Typer(no_args_is_help=True, help=__doc__)
neo4j_app = typer.Typer(no_args_is_help=True, help="The local Neo4j server (no Docker needed).")
schema_app = typer.Typer(no_args_is_help=True, help="Constraints and indexes.")
env_app = typer.Typer(no_args_is_help=True, help="The .env file of a local set-up.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")
app.add_typer(env_app, name="env")
console = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    console.print("error: " + message, style="bold red", markup=False, highlight=False)
    return typer.Exit(code=1)


@env_app.command("init")
def env_init() -> None:
    """Write `.env` with a generated Neo4j password, unless it exists or NEO4J_URI is set."""
    env_file = REPO_ROOT / ".env"
    if env_file.exists():
        console.print(f"{env_file} exists; left as it is")
        return
    if os.environ.get("NEO4J_URI"):
        console.print("NEO4J_URI is set: using that Neo4j, no .env written")
        return
    env_file.write_text(
        "# Written by `make run` on first run; git-ignored. Edit freely.\n"
        f"NEO4J_PASSWORD={secrets.token_urlsafe(18)}\n"
        "NEO4J_USER=neo4j\nNEO4J_DATABASE=neo4j\nAPI_HOST=127.0.0.1\nAPI_PORT=8000\n",
        encoding="utf-8",
    )
    env_file.chmod(0o600)
    console.print(f"wrote {env_file} with a generated password")


def _local(settings: Settings) -> LocalNeo4j | None:
    if not settings.manages_local_neo4j:
        console.print(f"NEO4J_URI is set ({settings.neo4j_uri}): no local Neo4j is managed")
        return None
    return LocalNeo4j(settings)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch Neo4j from Maven Central if needed, start it, and wait until Bolt answers."""
    settings = get_settings()
    server = _local(settings)
    if server is None:
        return
    try:
        started, seconds = server.start()
    except Neo4jServerError as error:
        raise _fail(str(error)) from error
    state = "started" if started else "already running"
    console.print(
        f"Neo4j ({settings.tkg_instance}) {state} in {seconds:.1f} s: "
        f"bolt://127.0.0.1:{settings.bolt_port}, browser http://127.0.0.1:{settings.http_port}/browser/"
    )


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly."""
    server = _local(get_settings())
    if server is None:
        return
    console.print("Neo4j stopped" if server.stop() else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, with its pid and ports."""
    server = _local(get_settings())
    if server is None:
        return
    status = server.status()
    if status.running:
        console.print(f"running (pid {status.pid}) bolt {status.bolt_port} http {status.http_port}")
    else:
        console.print("not running")
        raise typer.Exit(code=3)


@neo4j_app.command("wipe")
def neo4j_wipe() -> None:
    """Delete the stopped local instance's data."""
    server = _local(get_settings())
    if server is None:
        return
    try:
        server.wipe()
    except Neo4jServerError as error:
        raise _fail(str(error)) from error


@schema_app.command("apply")
def schema_apply() -> None:
    """Create every constraint and index that is missing, and wait for them to be online."""
    from app.main import open_driver
    from graph_schema.ddl import apply_schema

    settings = get_settings()
    with open_driver(settings) as driver:
        count = apply_schema(driver, settings.neo4j_database)
    console.print(f"schema applied: {count} statements, all indexes online")


CURATED_SUFFIXES = (".yaml", ".yml", ".json")


@app.command("load")
def load(
    path: Annotated[
        Path, typer.Argument(help="A curated YAML/JSON file, or a bulk data file or folder.")
    ],
    data_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="curated, icews18, icews, gdelt2, gdelt1 or acled; auto-detected by default.",
        ),
    ] = "auto",
    on_error: Annotated[
        str,
        typer.Option(
            help="Bulk data: fail (stop at the first bad row) or skip (list it in a rejects file)."
        ),
    ] = "fail",
    rejects: Annotated[
        Path | None, typer.Option(help="Bulk data with --on-error skip: where rejected rows go.")
    ] = None,
    start_date: Annotated[
        str | None,
        typer.Option(help="Quadruple sets: the date t=0 stands for (ICEWS18: 2018-01-01)."),
    ] = None,
    mentions: Annotated[
        list[Path] | None,
        typer.Option(help="GDELT 2.0: mentions files whose rows become provenance."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per write transaction.")] = 10_000,
    workers: Annotated[
        int, typer.Option(min=1, max=16, help="Concurrent writers (bulk data).")
    ] = 2,
) -> None:
    """Validate and load a data file. Curated files are validated whole before anything is
    written; bulk data streams in batched, idempotent transactions."""
    from datetime import date

    from app.main import open_driver
    from graph_schema.errors import TkgError
    from loaders.bulk.load import open_bulk
    from loaders.bulk.writer import BulkRowError, BulkWriter, OnError
    from loaders.curated import CuratedLoadError, load_curated_file

    settings = get_settings()
    if not path.exists():
        raise _fail(f"{path}: no such file or folder")
    curated = data_format == "curated" or (
        data_format == "auto" and path.suffix.lower() in CURATED_SUFFIXES
    )
    with open_driver(settings) as driver:
        if curated:
            try:
                summary = load_curated_file(driver, settings.neo4j_database, path, progress=True)
            except CuratedLoadError as error:
                for problem in error.problems:
                    console.print(f"[red]{problem}[/]", markup=False, highlight=False)
                raise _fail(
                    f"{path}: {len(error.problems)} problem(s); nothing was written"
                ) from error
            except TkgError as error:
                raise _fail(str(error)) from error
            console.print(summary.render())
            return
        try:
            mode = OnError(on_error)
            start = date.fromisoformat(start_date) if start_date else None
            records, total, fmt = open_bulk(path, data_format, start=start, mentions=mentions or ())
        except ValueError as error:
            raise _fail(str(error)) from error
        writer = BulkWriter(
            driver,
            settings.neo4j_database,
            on_error=mode,
            rejects_path=rejects or Path(f"{path.name}.rejects.tsv"),
            batch_size=batch_size,
            workers=workers,
            source=path,
            data_format=fmt,
        )
        try:
            bulk_summary = writer.load(records, total_rows=total, progress=True)
        except BulkRowError as error:
            console.print(writer.summary.render(), markup=False, highlight=False)
            raise _fail(
                f"{error}\nstopped at the first bad row (--on-error fail); its batch was not "
                "written. "
                "Fix the row, or rerun with --on-error skip; a rerun skips what is already loaded."
            ) from error
        except ValueError as error:
            raise _fail(str(error)) from error
    console.print(f"{fmt}: {bulk_summary.render()}", markup=False, highlight=False)


@app.command("export")
def export(
    folder: Annotated[Path, typer.Argument(help="Where facts.* and actors.* are written.")],
    from_: Annotated[
        str | None, typer.Option("--from", help="Start of the window: YYYY, YYYY-MM or a day.")
    ] = None,
    to: Annotated[str | None, typer.Option(help="End of the window (inclusive).")] = None,
    formats: Annotated[
        list[str] | None, typer.Option("--format", help="parquet and/or csv (default both).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds the read may take.")] = 600.0,
) -> None:
    """Write the facts valid in a window (default: all) and the actor table as Parquet and
    CSV, dates as ISO strings."""
    import time

    from graph_schema.errors import TkgError

    try:
        from tkg_client import Client
    except ImportError as error:
        raise _fail(
            f"export needs the notebook extra: pip install -e '.[notebook]' ({error})"
        ) from error
    started = time.perf_counter()
    try:
        with Client(get_settings(), timeout=timeout) as client:
            written = client.export(folder, from_, to, formats or ["parquet", "csv"])
    except TkgError as error:
        raise _fail(str(error)) from error
    for path in written:
        console.print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    console.print(f"exported in {time.perf_counter() - started:.1f} s")


@app.command("loads")
def loads(
    dataset: Annotated[str | None, typer.Option(help="Only loads of this data set.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20,
) -> None:
    """List the loads: file, data set, transaction time, and what each wrote."""
    from rich.table import Table

    from app.main import open_driver
    from queries.loads import list_loads
    from queries.runner import run_read

    settings = get_settings()
    with open_driver(settings) as driver:
        rows = run_read(
            driver,
            settings.neo4j_database,
            settings.query_timeout_seconds,
            lambda tx: list_loads(tx, dataset=dataset, offset=0, limit=limit),
        )
    table = Table(
        "started (recorded_at)",
        "finished",
        "status",
        "data set",
        "file",
        "rows",
        "created",
        "updated",
        "retracted",
    )
    for row in rows:
        table.add_row(
            row.started_at.isoformat(),
            row.finished_at.isoformat() if row.finished_at else "-",
            row.status + (f" ({row.error})" if row.error else ""),
            row.dataset or "-",
            row.file,
            f"{row.rows:,}",
            f"{row.created:,}",
            f"{row.updated:,}",
            f"{row.retracted:,}",
        )
    Console().print(table)


@app.command("serve")
def serve(
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API (default http://127.0.0.1:8000; OpenAPI at /docs)."""
    import httpx
    import uvicorn

    try:
        settings = get_settings()
    except ValidationError as error:  # e.g. no API keys off loopback
        # The messages only: the error's own text repeats the input, password included.
        raise _fail("; ".join(item["msg"] for item in error.errors())) from error
    url = f"http://{settings.api_host}:{settings.api_port}"
    try:
        answer = httpx.get(f"{url}/health", timeout=2)
    except httpx.HTTPError:
        answer = None
    if answer is not None:
        if "neo4j" in answer.text:
            console.print(f"the API is already serving at {url} (docs at {url}/docs)")
            return
        raise _fail(f"port {settings.api_port} is taken by something else; set API_PORT")
    console.print(f"serving the API at {url} (docs at {url}/docs)")
    pid_file = RUNTIME_DIR / "api.pid"
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(os.getpid()))
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=settings.api_host,
            port=settings.api_port,
            reload=reload,
        )
    finally:
        pid_file.unlink(missing_ok=True)


@app.command("api-key")
def api_key() -> None:
    """Make a new API key: give the key to the client, put its SHA-256 in API_KEY_HASHES
    (or a line of API_KEYS_FILE). The key itself is stored nowhere."""
    import hashlib

    key = secrets.token_urlsafe(32)
    console.print(f"key (for the client's Authorization: Bearer header): {key}")
    console.print(
        f"SHA-256 (for API_KEY_HASHES or API_KEYS_FILE): {hashlib.sha256(key.encode()).hexdigest()}"
    )


@app.command("stop")
def stop_all() -> None:
    """Stop the API that `tkg serve` started, and every local Neo4j instance."""
    import signal

    pid_file = RUNTIME_DIR / "api.pid"
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        console.print("API stopped")
    except (FileNotFoundError, ValueError, ProcessLookupError):
        console.print("the API was not running")
    pid_file.unlink(missing_ok=True)
    base = get_settings()
    for home in sorted(p.parent.parent for p in RUNTIME_DIR.glob("*/conf/neo4j.conf")):
        server = LocalNeo4j(base.model_copy(update={"tkg_instance": home.name}))
        if server.stop():
            console.print(f"Neo4j ({home.name}) stopped")


if __name__ == "__main__":
    app()
