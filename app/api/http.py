"""What browsers need of every route: CORS, compression, validators tied to the graph version,
HEAD, and `Allow` on 405.

Pure ASGI middleware rather than `BaseHTTPMiddleware`: that one wraps each answer in a
streaming response and a task group, a measurable share of a fast query's time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

import neo4j
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from queries.runner import VersionProbe, probing_graph_version, run_read
from queries.versions import read_graph_version

GRAPH_VERSION_HEADER = "X-Graph-Version"
EXPOSED_HEADERS = ["ETag", GRAPH_VERSION_HEADER, "Content-Length"]

# Only these paths answer from the graph; /docs, /problems and the explorer's files do not
# depend on its version, so they carry no graph-derived ETag (static files have their own).
ETAG_PREFIXES = ("/v1/",)
# /health must answer promptly when Neo4j is down, not after a failed version read first.
UNVERSIONED_PATHS = ("/health",)

VersionReader = Callable[[neo4j.Driver, Settings], str]


def graph_version(driver: neo4j.Driver, settings: Settings) -> str:
    """The graph version in a read transaction of its own (a cheap count-store read)."""
    return run_read(
        driver, settings.neo4j_database, settings.query_timeout_seconds, read_graph_version
    )


def representation_tag(version: str, scope: Scope) -> str:
    """The opaque part of a strong ETag: one graph version, one request, one representation.

    The query string is put in a canonical order so that `?a=1&b=2` and `?b=2&a=1` share a
    tag; `Accept` is part of it because a route may answer several media types.
    """
    query = urlencode(sorted(parse_qsl(scope.get("query_string", b"").decode("latin-1"))))
    accept = Headers(scope=scope).get("accept", "")
    key = "\n".join((version, scope["path"], query, accept))
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def entity_tag(opaque: str, content_encoding: str | None) -> str:
    # A strong validator names one byte sequence: the gzip body has a tag of its own.
    return f'"{opaque}-{content_encoding}"' if content_encoding else f'"{opaque}"'


def if_none_match_hits(header: str | None, opaque: str) -> str | None:
    """The tag in `If-None-Match` that names this representation (any encoding), if one does."""
    if not header:
        return None
    for raw in header.split(","):
        tag = raw.strip().removeprefix("W/")
        if tag == "*" or tag.strip('"').split("-")[0] == opaque:
            return tag if tag != "*" else f'"{opaque}"'
    return None


class HttpCacheMiddleware:
    """ETag, Cache-Control, 304, `X-Graph-Version`, HEAD on every GET route, `Allow` on 405.

    The version an answer is tagged with is the one its route's first read transaction saw
    (`queries.runner.probing_graph_version`): no transaction of its own, and never stale.
    Only a conditional request (`If-None-Match`) reads the version first, in a transaction
    of its own, to answer 304 without running the route; answers that read nothing from
    the graph (`/problems`, a 422) read it as they go out.
    """

    def __init__(self, app: ASGIApp, read_version: VersionReader = graph_version) -> None:
        self.app = app
        self.read_version = read_version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            # A HEAD is the GET without its body: same status, same headers, same length.
            scope = {**scope, "method": "GET"}
        if scope["path"] in UNVERSIONED_PATHS:
            await self._answer(scope, receive, send, head, None)
            return
        tagged = scope["path"].startswith(ETAG_PREFIXES)
        condition = Headers(scope=scope).get("if-none-match") if tagged else None
        if condition and scope["method"] == "GET":
            version = await self._version(scope)
            hit = (
                None
                if version is None
                else if_none_match_hits(condition, representation_tag(version, scope))
            )
            if hit is not None:
                headers = MutableHeaders()
                headers["ETag"] = hit
                headers["Cache-Control"] = self._cache_control(scope)
                headers[GRAPH_VERSION_HEADER] = version or ""
                await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b""})
                return

        with probing_graph_version() as probe:
            await self._answer(scope, receive, send, head, probe)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, head: bool, probe: VersionProbe | None
    ) -> None:
        """Run the route; its answer gets the headers of the version it was read at (none
        without a `probe`)."""
        tagged = scope["path"].startswith(ETAG_PREFIXES)

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                status = message["status"]
                version = None
                if probe is not None:
                    version = probe.version or await self._version(scope)
                if version is not None:
                    headers[GRAPH_VERSION_HEADER] = version
                if status == 405 and "allow" in headers:
                    methods = [m.strip() for m in headers["allow"].split(",")]
                    if "GET" in methods and "HEAD" not in methods:
                        methods.append("HEAD")
                    headers["Allow"] = ", ".join([*methods, "OPTIONS"])
                if tagged and version is not None and status == 200:
                    headers["ETag"] = entity_tag(
                        representation_tag(version, scope), headers.get("content-encoding")
                    )
                    headers["Cache-Control"] = self._cache_control(scope)
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_wrapped)

    async def _version(self, scope: Scope) -> str | None:
        state = scope["app"].state
        driver: neo4j.Driver | None = getattr(state, "driver", None)
        if driver is None:
            return None
        try:
            return await run_in_threadpool(self.read_version, driver, state.settings)
        except Exception:  # the route itself then answers 503 with a problem body
            return None

    @staticmethod
    def _cache_control(scope: Scope) -> str:
        settings: Settings = scope["app"].state.settings
        if settings.http_cache_max_age:
            return f"public, max-age={settings.http_cache_max_age}, must-revalidate"
        return "public, no-cache"


def install_http_caching(app: FastAPI, settings: Settings) -> None:
    """Innermost first: gzip sees the route's answer, the cache layer sees the gzip body (and
    tags it as such)."""
    app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_minimum_size, compresslevel=6)
    app.add_middleware(HttpCacheMiddleware)


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Outermost: a preflight is answered before anything else, and every answer, a guard's
    refusal too, carries the headers a page needs to read it."""
    wildcard = "*" in settings.cors_origins
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"] if wildcard else settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
        # The API takes no cookies or credentials, so `*` is safe and cacheable by browsers.
        allow_credentials=False,
        max_age=600,
    )
