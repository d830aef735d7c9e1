"""The Docker set-up stays the local one: the same locked install, every package, the same
locked-down Neo4j."""

from __future__ import annotations

import tomllib
from typing import Any

import yaml

from app.core.config import REPO_ROOT
from app.core.neo4j_server import APOC_ALLOWLIST, GDS_ALLOWLIST


def compose_neo4j() -> dict[str, str]:
    compose: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    environment: dict[str, str] = compose["services"]["neo4j"]["environment"]
    return environment


def test_compose_neo4j_has_the_local_plugins_and_allow_lists() -> None:
    env = compose_neo4j()
    assert set(yaml.safe_load(env["NEO4J_PLUGINS"])) == {"apoc", "graph-data-science"}
    allowed = env["NEO4J_dbms_security_procedures_allowlist"].split(",")
    assert allowed == [*APOC_ALLOWLIST, *GDS_ALLOWLIST]
    assert env["NEO4J_dbms_security_procedures_unrestricted"].split(",") == list(GDS_ALLOWLIST)
    assert env["NEO4J_db_transaction_monitor_check_interval"] == "200ms"
    assert "*" not in env["NEO4J_dbms_security_http__access__control__allow__origin"]


def test_the_image_installs_the_lock_and_every_package() -> None:
    lines = (REPO_ROOT / "Dockerfile").read_text().splitlines()
    installs = [line for line in lines if "pip install" in line]
    assert any("--require-hashes -r requirements.lock" in line for line in installs)
    # Only the lock resolves dependencies: the project goes in without them.
    assert all("--require-hashes" in line or "--no-deps" in line for line in installs)
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {line.split()[1] for line in lines if line.startswith("COPY ")}
    missing = [p.rstrip("*") for p in packages if p.rstrip("*") not in copied]
    assert not missing, f"the image lacks {missing}"
