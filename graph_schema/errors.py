"""One root for the project's errors; the API maps each to one problem body."""

from __future__ import annotations

from typing import Any


class TkgError(Exception):
    """Root of every error this project raises on purpose."""


class NotFoundError(TkgError):
    """A requested actor, event or fact does not exist."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} with id {identifier!r}")
        self.kind = kind
        self.identifier = identifier


class InvalidQueryError(TkgError):
    """A query parameter is well-formed but cannot be answered (e.g. from after to)."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(f"{field}={value!r}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


class DatabaseUnavailableError(TkgError):
    """Neo4j cannot be reached."""


class QueryTimeoutError(TkgError):
    """A query ran past its time budget."""
