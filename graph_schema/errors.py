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


class UnknownActorError(NotFoundError):
    """No actor has the given id, name or alias; `candidates` are the nearest names."""

    def __init__(self, field: str, text: str, candidates: list[dict[str, Any]]) -> None:
        TkgError.__init__(self, f"{field}={text!r}: no actor has this id, name or alias")
        self.kind = "actor"
        self.identifier = text
        self.field = field
        self.candidates = candidates


class AmbiguousActorError(InvalidQueryError):
    """A name fits several actors; `candidates` lists them, so the caller can pick an id."""

    def __init__(self, field: str, text: str, candidates: list[dict[str, Any]]) -> None:
        ids = ", ".join(str(c["id"]) for c in candidates)
        super().__init__(field, text, f"names {len(candidates)} actors ({ids}); give an id")
        self.candidates = candidates


class DatabaseUnavailableError(TkgError):
    """Neo4j cannot be reached."""


class QueryTimeoutError(TkgError):
    """A query ran past its time budget."""
