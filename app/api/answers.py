"""Answers kept by graph version: a question asked again at the same graph version gets the
same bytes without being worked out again.

An answer at a graph version never changes (its ETag says as much to HTTP caches); this is
the same fact used on the server, for the clients that do not keep a cache of their own and
for the many analysts and pages asking the same hub-pair question. Kept answers are bounded
by their bytes and dropped as soon as a newer graph version is seen.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from pydantic import BaseModel


@dataclass(frozen=True)
class KeptAnswer:
    body: bytes
    engine: str  # which engine worked it out (X-*-Engine), told again when it is reused


class AnswerCache:
    """Rendered answers of one graph version, least recently used out past `budget` bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.version: str | None = None
        self.held = 0
        self.hits = 0
        self._answers: OrderedDict[bytes, KeptAnswer] = OrderedDict()
        self._lock = Lock()

    @staticmethod
    def key(route: str, *question: BaseModel | str | int | bool | None) -> bytes:
        """A question's identity: the route and every input its answer depends on, after
        parsing (so `at=2024-07` and `from=2024-07&to=2024-07` are one question)."""
        parts = [q.model_dump(mode="json") if isinstance(q, BaseModel) else q for q in question]
        return json.dumps([route, *parts], sort_keys=True, separators=(",", ":")).encode()

    def get(self, version: str, key: bytes) -> KeptAnswer | None:
        with self._lock:
            if version != self.version:
                return None
            kept = self._answers.get(key)
            if kept is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return kept

    def put(self, version: str, key: bytes, answer: KeptAnswer) -> None:
        size = len(answer.body)
        if size > self.budget:
            return
        with self._lock:
            if version != self.version:
                # Questions come at the newest version: another version's answers will
                # not be asked for again (during a load, versions may alternate briefly).
                self._answers.clear()
                self.held = 0
                self.version = version
            previous = self._answers.pop(key, None)
            if previous is not None:
                self.held -= len(previous.body)
            self._answers[key] = answer
            self.held += size
            while self.held > self.budget:
                _, dropped = self._answers.popitem(last=False)
                self.held -= len(dropped.body)
