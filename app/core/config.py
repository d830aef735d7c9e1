"""The one settings class: from the environment, else the git-ignored `.env` at the repo root."""

from __future__ import annotations

import ipaddress
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]

# Local instances keep apart: `make test` must never touch what `make run` serves.
LOCAL_PORTS: dict[str, tuple[int, int]] = {"dev": (7687, 7474), "test": (7688, 7475)}
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def is_loopback(host: str) -> bool:
    """Whether an address (or `localhost`) is reachable from this machine only."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=REPO_ROOT / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    neo4j_uri: str | None = Field(
        default=None,
        description="Bolt URI of an existing Neo4j. Unset: the project starts its own.",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = Field(
        default=SecretStr(""), description="Set in .env by `make run` on first run."
    )
    neo4j_database: str = "neo4j"

    tkg_instance: str = Field(
        default="dev",
        pattern=r"^[a-z][a-z0-9-]{0,30}$",
        description="Which local Neo4j instance to use when NEO4J_URI is unset: dev, test, or "
        "another name with NEO4J_BOLT_PORT and NEO4J_HTTP_PORT set.",
    )
    neo4j_bolt_port: int | None = Field(default=None, description="Local Bolt port override.")
    neo4j_http_port: int | None = Field(default=None, description="Local HTTP port override.")
    neo4j_heap: str = Field(default="2g", description="Heap of the local Neo4j.")
    neo4j_pagecache: str = Field(default="2g", description="Page cache of the local Neo4j.")

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    query_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Time budget of one API query; past it the API answers 504."
    )
    neo4j_retry_seconds: float = Field(
        default=3.0,
        ge=0,
        description="How long the driver retries a transaction on transient errors.",
    )
    apply_schema_on_startup: bool = True
    path_index: bool = Field(
        default=True,
        description="Answer /v1/paths from the in-process temporal index, built in the "
        "background at start-up (until it is ready, and whenever it cannot be at the graph "
        "version asked, paths are searched in Cypher).",
    )
    path_answers_kept_mb: float = Field(
        default=32,
        ge=0,
        description="Megabytes of /v1/paths answers kept for the graph version they were "
        "worked out at, so a question asked again is answered without searching; 0: none kept.",
    )
    index_snapshot_dir: Path | None = Field(
        default=REPO_ROOT / ".tkg" / "index",
        description="Where the index keeps a snapshot per graph version, so that a restart "
        "on an unchanged graph loads instead of rebuilding; unset: no snapshots.",
    )

    # -- hardening: limits, isolation, who may call ------------------------------------
    neo4j_connect_timeout_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How long the API waits to open a connection to Neo4j before it answers 503.",
    )
    max_offset: int = Field(
        default=100_000, ge=0, description="Deepest page offset a cursor may carry (422 past it)."
    )
    max_list_items: int = Field(
        default=50, ge=1, description="Most distinct values a repeatable parameter may take."
    )
    max_answer_bytes: int = Field(
        default=4_000_000,
        ge=10_000,
        description="Largest JSON answer: pages end early (their `next` continues), graphs are "
        "cut and marked `truncated`.",
    )
    heavy_route_prefixes: list[str] = Field(
        default=["/v1/paths", "/v1/graph", "/v1/analytics"],
        description="Path prefixes of expensive routes, which share `heavy_concurrency` slots.",
    )
    heavy_concurrency: int = Field(
        default_factory=lambda: max(2, os.cpu_count() or 2),
        ge=1,
        description="Expensive requests served at once (default: the number of cores, at "
        "least 2); more wait for a slot (`heavy_queue`) or are refused with 503 and "
        "Retry-After, so cheap routes keep their threads and a share of the CPU.",
    )
    heavy_queue: int = Field(
        default=32,
        ge=0,
        description="Expensive requests that may wait for a slot, in the event loop (holding "
        "no thread), first come first served; more are refused with 503 at once.",
    )
    heavy_queue_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Longest wait for a slot; a request still waiting then is refused with 503 "
        "and Retry-After.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per client address per minute; 0 turns it off."
    )
    rate_limit_loopback: bool = Field(
        default=False, description="Also rate-limit clients on loopback (off: local tools)."
    )
    api_key_hashes: list[str] = Field(
        default=[],
        description="SHA-256 hex digests of the accepted API keys (`tkg api-key` makes a key "
        "and prints its digest).",
    )
    api_keys_file: Path | None = Field(
        default=None, description="A file of SHA-256 hex digests of API keys, one per line."
    )
    allowed_hosts: list[str] = Field(
        # `testserver` is the name Starlette's TestClient sends; a name without a dot is no
        # name a rebinding page on the internet can have.
        default=["127.0.0.1", "localhost", "[::1]", "testserver"],
        description="Host header values the API answers (DNS-rebinding guard); `*` allows any.",
    )

    # -- browsers: CORS, compression, caching, problem pages, the explorer ----------------
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=["*"],
        description="Origins allowed to read the API from a browser (CORS): a JSON list or "
        "comma-separated; `*` (the default) suits a read-only API that takes no credentials.",
    )
    gzip_minimum_size: int = Field(
        default=1024, ge=0, description="Answers at least this many bytes are gzip-compressed."
    )
    http_cache_max_age: int = Field(
        default=0,
        ge=0,
        description="Seconds a browser may reuse an answer without asking again; 0 (default) "
        "means revalidate every time, cheaply, with the ETag (304 when the graph is unchanged).",
    )
    explorer_dir: Path = Field(
        default=REPO_ROOT / "web" / "dist",
        description="The explorer's built files (`make web`), served at /explorer.",
    )
    problem_base_url: str | None = Field(
        default=None,
        description="Base of problem `type` URIs; unset: this API's own /problems pages.",
    )

    @field_validator("neo4j_uri", mode="before")
    @classmethod
    def _blank_uri_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated_origins(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _password_when_remote(self) -> Settings:
        if self.neo4j_uri and not self.neo4j_password.get_secret_value():
            raise ValueError("NEO4J_PASSWORD must be set when NEO4J_URI points at a Neo4j")
        return self

    @model_validator(mode="after")
    def _keys_beyond_loopback(self) -> Settings:
        hashes = self.accepted_key_hashes()  # a malformed digest is refused either way
        if not is_loopback(self.api_host) and not hashes:
            raise ValueError(
                f"API_HOST={self.api_host} listens beyond loopback: set API_KEY_HASHES or "
                "API_KEYS_FILE (see README, Security)"
            )
        return self

    def accepted_key_hashes(self) -> frozenset[str]:
        """The digests from settings and from `api_keys_file` (blank lines and # comments
        skipped)."""
        hashes = {h.strip().lower() for h in self.api_key_hashes if h.strip()}
        if self.api_keys_file is not None:
            try:
                text = self.api_keys_file.read_text(encoding="utf-8")
            except OSError as error:
                raise ValueError(f"API_KEYS_FILE {self.api_keys_file}: {error}") from error
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip().lower()
                if line:
                    hashes.add(line)
        for digest in hashes:
            if not _SHA256_HEX.fullmatch(digest):
                raise ValueError(f"{digest[:12]}... is not a SHA-256 hex digest of an API key")
        return frozenset(hashes)

    @property
    def manages_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @model_validator(mode="after")
    def _ports_for_other_instances(self) -> Settings:
        if self.tkg_instance not in LOCAL_PORTS and not (
            self.neo4j_bolt_port and self.neo4j_http_port
        ):
            raise ValueError(
                f"instance {self.tkg_instance!r} needs NEO4J_BOLT_PORT and NEO4J_HTTP_PORT"
            )
        return self

    @property
    def bolt_port(self) -> int:
        return self.neo4j_bolt_port or LOCAL_PORTS[self.tkg_instance][0]

    @property
    def http_port(self) -> int:
        return self.neo4j_http_port or LOCAL_PORTS[self.tkg_instance][1]

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
