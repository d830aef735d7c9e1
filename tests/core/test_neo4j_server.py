"""The local Neo4j is locked down: APOC limited to an allow-list, files owner-only, the
initial password never on a command line, CORS for its own Browser only."""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.neo4j_server import APOC_ALLOWLIST, GDS_ALLOWLIST, LIB_DIR, LocalNeo4j


@pytest.fixture
def throwaway(settings: Settings) -> Iterator[LocalNeo4j]:
    """An instance that is configured but never started (nothing listens on its ports)."""
    other = settings.model_copy(
        update={"tkg_instance": "lockdown-check", "neo4j_bolt_port": 1, "neo4j_http_port": 2}
    )
    server = LocalNeo4j(other)
    shutil.rmtree(server.home, ignore_errors=True)
    yield server
    shutil.rmtree(server.home, ignore_errors=True)


def test_the_config_allows_no_apoc_that_writes_loads_or_runs_cypher(
    throwaway: LocalNeo4j,
) -> None:
    throwaway.write_config()
    conf = (throwaway.conf_dir / "neo4j.conf").read_text()
    # Only GDS runs unrestricted (it needs Neo4j's internals), and only what it may run.
    unrestricted = re.search(r"^dbms.security.procedures.unrestricted=(.*)$", conf, re.MULTILINE)
    assert unrestricted is not None
    assert set(unrestricted[1].split(",")) == set(GDS_ALLOWLIST)
    assert "allowlist=apoc.*" not in conf
    assert "gds.*" not in GDS_ALLOWLIST
    assert not any(entry.endswith((".write", ".mutate")) for entry in GDS_ALLOWLIST)
    for forbidden in ("apoc.cypher", "apoc.periodic", "apoc.trigger", "apoc.load", "apoc.create"):
        assert not any(entry.startswith(forbidden) for entry in APOC_ALLOWLIST)
    assert "http_access_control_allow_origin=http://127.0.0.1:2" in conf
    assert stat.S_IMODE((throwaway.conf_dir / "neo4j.conf").stat().st_mode) == 0o600
    for folder in (throwaway.home, throwaway.data_dir, throwaway.conf_dir, throwaway.logs_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_old_world_readable_files_become_owner_only(throwaway: LocalNeo4j) -> None:
    auth = throwaway.data_dir / "dbms" / "auth.ini"
    auth.parent.mkdir(parents=True)
    auth.write_text("neo4j:hash\n")
    auth.chmod(0o644)
    throwaway.make_private()
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600
    assert stat.S_IMODE(auth.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(not LIB_DIR.is_dir(), reason="Neo4j jars not fetched")
# `tkg env init` draws from the URL-safe alphabet, so one password in 64 starts with a
# dash, which the admin tool would read as an option unless told where options end.
@pytest.mark.parametrize(
    "password", [None, "-starts-with-a-dash", "--looks-like=an-option", 'quote"back\\slash @x']
)
def test_the_initial_password_is_never_on_a_command_line(
    throwaway: LocalNeo4j, monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    if password is not None:
        throwaway.settings = throwaway.settings.model_copy(
            update={"neo4j_password": SecretStr(password)}
        )
    commands: list[list[str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: Any) -> Any:
        commands.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    throwaway.write_config()
    throwaway.set_initial_password()
    password = throwaway.settings.neo4j_password.get_secret_value()
    assert commands and not any(password in arg for arg in commands[0])
    auth = throwaway.data_dir / "dbms" / "auth.ini"
    assert auth.exists(), "the admin tool read the password from its argument file"
    assert _auth_ini_holds(auth.read_text(), password), "the password set is the one given"
    assert stat.S_IMODE(auth.stat().st_mode) & 0o077 == 0
    assert not list(throwaway.home.glob("*.args")), "the argument file is removed"


def _auth_ini_holds(auth_ini: str, password: str) -> bool:
    """Neo4j stores `user:SHA-256,hash,salt,iterations:`: SHA-256 of salt and password,
    then of the digest again for every further iteration."""
    _, credentials, _ = auth_ini.strip().split(":")
    algorithm, expected, salt, iterations = credentials.split(",")
    assert algorithm == "SHA-256"
    digest = hashlib.sha256(bytes.fromhex(salt) + password.encode()).digest()
    for _ in range(int(iterations) - 1):
        digest = hashlib.sha256(digest).digest()
    return digest.hex() == expected


def test_the_running_server_offers_only_the_allowed_apoc(db: neo4j.Driver) -> None:
    records, _, _ = db.execute_query(
        "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'apoc.' RETURN collect(name) AS p"
    )
    procedures = set(records[0]["p"])
    assert "apoc.util.sleep" in procedures
    for forbidden in (
        "apoc.cypher.runWrite",
        "apoc.cypher.doIt",
        "apoc.periodic.iterate",
        "apoc.trigger.add",
        "apoc.load.json",
        "apoc.create.node",
    ):
        assert forbidden not in procedures


def test_the_running_server_offers_gds_for_reading_only(db: neo4j.Driver) -> None:
    records, _, _ = db.execute_query(
        "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN collect(name) AS p"
    )
    procedures = set(records[0]["p"])
    assert {"gds.version", "gds.graph.drop", "gds.pageRank.stream"} <= procedures
    # Writing back, changing a projection, or touching files: none of it is loaded (an
    # `.estimate` only computes the memory a run would need).
    runs = {name for name in procedures if not name.endswith(".estimate")}
    assert not {name for name in runs if name.endswith((".write", ".mutate"))}
    assert not {name for name in runs if ".export" in name or ".backup" in name}
    assert "gds.pageRank.write.estimate" in procedures  # so the filter above saw them
