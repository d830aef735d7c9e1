"""Provision and run a local Neo4j Community server from Maven Central, without Docker.

`ops/neo4j/pom.xml` pins the server, the browser and APOC core; Maven copies their jars into
`ops/neo4j/runtime/lib` (git-ignored). Each instance (`dev` for `make run`, `test` for
`make test`) has its own config, data, logs and pid file under `ops/neo4j/runtime/<name>/`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import neo4j

from app.core.config import REPO_ROOT, Settings

OPS_DIR = REPO_ROOT / "ops" / "neo4j"
RUNTIME_DIR = OPS_DIR / "runtime"
LIB_DIR = RUNTIME_DIR / "lib"
PLUGINS_DIR = RUNTIME_DIR / "plugins"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

# The options Neo4j's own launcher passes to the JVM (its default neo4j.conf), less
# -XX:+AlwaysPreTouch: touching every heap page up front slows start-up on this small box.
NEO4J_JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
]


# APOC as far as our code, tests and documented recipes use it, and pure helpers analysts
# reach for; nothing that writes (create, merge, refactor, periodic, trigger), loads files
# or URLs (load, import, export) or runs Cypher from a string (cypher, when, case). Only
# what is listed is loaded at all. `grep -rn "apoc\." queries graph_schema docs tests`
# shows the uses; add a name here before using another procedure.
APOC_ALLOWLIST = (
    "apoc.util.sleep",  # tests/api/test_v1.py: a query past its budget
    "apoc.coll.*",
    "apoc.map.*",
    "apoc.text.*",
    "apoc.date.*",
    "apoc.temporal.*",
    "apoc.path.*",
    "apoc.meta.*",
)

# Graph Data Science as far as reading goes: the catalog (project, list, drop), the version,
# and every algorithm's stream, stats and estimate modes. Not `.write` (writes results into
# the database), `.mutate` (nothing of ours needs it), nor export/backup/restore (files).
# The docs recipe `pagerank` and `Client.gds()` use project, pageRank.stream and drop.
GDS_ALLOWLIST = (
    "gds.version",
    "gds.graph.project",  # the Cypher aggregation: no write, the catalog is in memory
    "gds.graph.list",
    "gds.graph.exists",
    "gds.graph.drop",
    "gds.util.*",
    "gds.*.stream",
    "gds.*.stats",
    "gds.*.estimate",
)

# Maven groups whose jars go to the plugins folder: APOC's, and GDS's (its procedures are
# spread over a hundred jars of one group).
PLUGIN_GROUPS = ("org.neo4j.procedure", "org.neo4j.gds")

# Owner-only: the store, the auth file and the config (which names the password file).
PRIVATE_DIR_MODE = 0o700
PRIVATE_UMASK = 0o077


class Neo4jServerError(RuntimeError):
    """The local Neo4j could not be provisioned, started or stopped."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_port: int
    http_port: int
    home: Path


class LocalNeo4j:
    """One local Neo4j instance: its folders, its config, and its process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.tkg_instance
        self.home = RUNTIME_DIR / self.name
        self.conf_dir = self.home / "conf"
        self.data_dir = self.home / "data"
        self.logs_dir = self.home / "logs"
        self.pid_file = self.home / "neo4j.pid"
        self.console_log = self.logs_dir / "console.log"

    # -- provisioning -------------------------------------------------------------------
    def ensure_jars(self) -> None:
        """Copy the pinned jars from Maven Central unless they are already here."""
        marker = LIB_DIR / ".complete"
        pom = OPS_DIR / "pom.xml"
        if marker.exists() and marker.stat().st_mtime >= pom.stat().st_mtime:
            return
        if shutil.which("mvn") is None:
            raise Neo4jServerError(
                "Maven (mvn) is needed to fetch Neo4j; install Maven and Java 17"
            )
        staging = RUNTIME_DIR / "lib.partial"
        plugins_staging = RUNTIME_DIR / "plugins.partial"
        for folder in (staging, plugins_staging):
            shutil.rmtree(folder, ignore_errors=True)
        command = [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            # The group in the file name tells plugins from libraries.
            "-Dmdep.prependGroupId=true",
            f"-DoutputDirectory={staging}",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise Neo4jServerError(f"Maven could not fetch Neo4j:\n{result.stdout}{result.stderr}")
        # APOC and GDS are plugins: Neo4j loads procedures from the plugins folder, not the
        # classpath. The libraries GDS needs and Neo4j lacks (hppc, agrona, ejml, ...) stay
        # in lib, on the classpath either way.
        plugins_staging.mkdir(parents=True)
        for prefix in PLUGIN_GROUPS:
            for jar in staging.glob(f"{prefix}.*.jar"):
                shutil.move(str(jar), plugins_staging / jar.name)
        for folder, done in ((LIB_DIR, staging), (PLUGINS_DIR, plugins_staging)):
            shutil.rmtree(folder, ignore_errors=True)
            done.rename(folder)
        marker.touch()

    def make_private(self) -> None:
        """Create the instance's folders owner-only, and take group and other access away
        from whatever an older version left readable (store files, auth.ini)."""
        for folder in (self.home, self.conf_dir, self.data_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        for root, folders, files in os.walk(self.home):
            os.chmod(root, PRIVATE_DIR_MODE)
            for name in files:
                path = Path(root) / name
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode & 0o700)
            del folders  # os.walk descends into them itself

    def write_config(self) -> None:
        self.make_private()
        settings = self.settings
        lines = [
            "# Generated by `tkg neo4j start`; edits are overwritten.",
            f"server.directories.data={self.data_dir}",
            f"server.directories.logs={self.logs_dir}",
            f"server.directories.plugins={PLUGINS_DIR}",
            f"server.directories.run={self.home}",
            f"server.directories.import={self.home / 'import'}",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{settings.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{settings.http_port}",
            f"server.bolt.advertised_address=127.0.0.1:{settings.bolt_port}",
            f"server.http.advertised_address=127.0.0.1:{settings.http_port}",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            # Sized for a shared 2-core, 24 GB machine that also runs the API and tests.
            f"server.memory.heap.initial_size={settings.neo4j_heap}",
            f"server.memory.heap.max_size={settings.neo4j_heap}",
            f"server.memory.pagecache.size={settings.neo4j_pagecache}",
            "db.memory.transaction.total.max=1g",
            # Timed-out queries are found by a periodic check (2 s by default); the API's
            # 504 should not wait that long past the budget.
            "db.transaction.monitor.check.interval=200ms",
            "server.jvm.additional=-XX:+ExitOnOutOfMemoryError",
            f"dbms.security.procedures.allowlist={','.join(APOC_ALLOWLIST + GDS_ALLOWLIST)}",
            # GDS reads the store through Neo4j's internals, which sandboxed procedures may
            # not ("gds.util.asNode is unavailable because it is sandboxed"); only the GDS
            # entries above are unrestricted, APOC stays sandboxed.
            f"dbms.security.procedures.unrestricted={','.join(GDS_ALLOWLIST)}",
            # The Browser is served from this same origin and needs no CORS; the default
            # `*` would let any web page script this server with the user's credentials.
            f"dbms.security.http_access_control_allow_origin=http://127.0.0.1:{settings.http_port}",
            "db.tx_log.rotation.retention_policy=2 days 1G",
            # Preallocated 256 MB log files per database would be most of a test instance's disk.
            "db.tx_log.preallocate=false",
            "db.tx_log.rotation.size=64M",
            "server.logs.gc.enabled=false",
            "dbms.usage_report.enabled=false",
        ]
        conf = self.conf_dir / "neo4j.conf"
        conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        conf.chmod(0o600)

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        java = Path(java_home) / "bin" / "java" if java_home else shutil.which("java")
        if java is None:
            raise Neo4jServerError("Java 17 is needed to run Neo4j; none found on PATH")
        return str(java)

    def _classpath(self) -> str:
        # Neo4j's own launcher puts plugins on the classpath too: APOC registers its
        # extension factory through the service loader, which only sees the classpath.
        # Neo4j's jars come first, so its newer libraries win over copies APOC bundles.
        return f"{LIB_DIR / '*'}{os.pathsep}{PLUGINS_DIR / '*'}"

    def set_initial_password(self) -> None:
        """Set the password before the first start; Neo4j refuses to change it after."""
        if (self.data_dir / "dbms").exists():
            return
        password = self.settings.neo4j_password.get_secret_value()
        if len(password) < 8:
            raise Neo4jServerError("NEO4J_PASSWORD must have at least 8 characters")
        # Never on the command line, where `ps` shows it to every user: the admin tool
        # (picocli) reads an argument from an `@file`, written owner-only and removed after.
        # The `--` ends its options, or a password that starts with a dash (one generated
        # password in 64) would be taken for one.
        quoted = password.replace("\\", "\\\\").replace('"', '\\"')
        args_file = self.home / "initial-password.args"
        fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f'--\n"{quoted}"\n')
        command = [
            self._java(),
            "-cp",
            self._classpath(),
            *NEO4J_JVM_OPTIONS,
            ADMIN_TOOL,
            "dbms",
            "set-initial-password",
            f"@{args_file}",
        ]
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                check=False,
                umask=PRIVATE_UMASK,
            )
        finally:
            args_file.unlink(missing_ok=True)
        if result.returncode != 0:
            raise Neo4jServerError(f"could not set the initial password:\n{result.stderr}")

    # -- process ------------------------------------------------------------------------
    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def _bolt_serves_queries(self) -> bool:
        """The socket opens before the databases are up; a query proves they are."""
        password = self.settings.neo4j_password.get_secret_value()
        uri = f"bolt://127.0.0.1:{self.settings.bolt_port}"
        try:
            with neo4j.GraphDatabase.driver(
                uri, auth=(self.settings.neo4j_user, password)
            ) as driver:
                driver.execute_query("RETURN 1", database_=self.settings.neo4j_database)
            return True
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            return False

    def _bolt_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.settings.bolt_port), timeout=0.5):
                return True
        except OSError:
            return False

    def status(self) -> ServerStatus:
        return ServerStatus(
            running=self._pid() is not None,
            pid=self._pid(),
            bolt_port=self.settings.bolt_port,
            http_port=self.settings.http_port,
            home=self.home,
        )

    def start(self, timeout: float = 180.0) -> tuple[bool, float]:
        """Start the server unless it runs; wait until Bolt answers.

        Returns:
            (started, seconds): whether this call started it, and how long start-up took.

        Raises:
            Neo4jServerError: it could not be fetched or configured, or did not come up.
        """
        began = time.monotonic()
        if self._pid() is not None:
            self._wait_for_bolt(began, timeout)
            return False, time.monotonic() - began
        if self._bolt_answers():
            raise Neo4jServerError(
                f"port {self.settings.bolt_port} is taken by a process this project did not start"
            )
        self.ensure_jars()
        self.write_config()
        self.set_initial_password()
        command = [
            self._java(),
            "-cp",
            self._classpath(),
            f"-Xms{self.settings.neo4j_heap}",
            f"-Xmx{self.settings.neo4j_heap}",
            "-XX:+ExitOnOutOfMemoryError",
            *NEO4J_JVM_OPTIONS,
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.home,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        self.pid_file.write_text(str(process.pid))
        try:
            self._wait_for_bolt(began, timeout, process)
        except Neo4jServerError:
            self.stop()
            raise
        return True, time.monotonic() - began

    def _wait_for_bolt(
        self, began: float, timeout: float, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        while time.monotonic() - began < timeout:
            if self._bolt_answers() and self._bolt_serves_queries():
                return
            if process is not None and process.poll() is not None:
                tail = self.console_log.read_text(errors="replace")[-3000:]
                raise Neo4jServerError(f"Neo4j exited with {process.returncode}:\n{tail}")
            time.sleep(0.25)
        raise Neo4jServerError(
            f"Neo4j did not answer on Bolt within {timeout:.0f} s; see {self.console_log}"
        )

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL past the timeout)."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._pid() is not None:
            time.sleep(0.25)
        if self._pid() is not None:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def wipe(self) -> None:
        """Delete this instance's data (the test instance starts from nothing)."""
        if self._pid() is not None:
            raise Neo4jServerError("stop the server before wiping its data")
        shutil.rmtree(self.data_dir, ignore_errors=True)
