"""What stands between a request and the routes: who may call (Host, API key), how often
(per client), how many expensive queries at once, for how long, and that whatever fails
still answers with a problem body.

Pure ASGI middlewares: `BaseHTTPMiddleware` would run every request in a task of its own
and buffer streamed answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import logging
import math
import time
from collections import OrderedDict, deque

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response
from app.core.config import Settings, is_loopback

logger = logging.getLogger("tkg.guards")

# The 504 backstop fires this long after the query budget: Neo4j's own timeout (checked
# every 200 ms) normally answers first, and the issue asks for a 504 within 1.5 s.
BUDGET_GRACE_SECONDS = 0.5

# The scope key under which `TimeBudget` leaves the work it answered 504 for and let run.
ABANDONED_WORK = "tkg.abandoned_work"

# Pages anyone may read without a key: the manual, and whether the service is up.
PUBLIC_PATHS = ("/docs", "/redoc", "/openapi.json", "/health")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Swagger UI and Redoc, and our own pages, load scripts from this origin only.
        "script-src 'self'",
        # Redoc (styled-components) writes <style> elements at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        # Redoc's search index runs in a worker it builds from a blob.
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
]


async def send_problem(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    title: str,
    detail: str,
    kind: str,
    headers: dict[str, str] | None = None,
) -> None:
    response = problem_response(Request(scope), status, title, detail, kind)
    response.headers.update(headers or {})
    await response(scope, receive, send)


def _path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    return path


class HttpGuard:
    """A middleware that acts on HTTP requests only (`guard`), and on those `applies`
    accepts; the rest pass straight through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def applies(self, scope: Scope) -> bool:
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.applies(scope):
            await self.guard(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class CatchAll(HttpGuard):
    """Any exception a route lets out becomes a 500 problem body. Starlette's own last
    resort answers in plain text and then re-raises, which makes uvicorn close the
    keep-alive connection; this answers and keeps it."""

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error answering %s", _path(scope))
            if started:  # half an answer is out: nothing sound is left to send
                raise
            await send_problem(
                scope,
                receive,
                send,
                500,
                "Internal error",
                "The server failed to answer this request; the error is logged.",
                "internal-error",
            )


class HeavyLimit(HttpGuard):
    """At most `limit` requests to expensive routes at once, and at most `queue` more
    waiting for a slot, first come first served, for up to `wait` seconds each. Past that a
    request is refused with 503 and `Retry-After`, before any other work (no graph version
    read, no thread): a flood of path searches costs the event loop little and leaves the
    worker threads and Neo4j to cheap routes.

    Waiting beats running alongside: sixteen searches at once in one Python process take
    turns at the interpreter lock and spend nearly twice the CPU each that they spend one
    after the other (measured in bench/), so a burst is answered sooner by a short queue.
    A slot is held until the work ends, even past a 504: `TimeBudget`, inside, leaves the
    work it abandoned in the scope.
    """

    def __init__(
        self, app: ASGIApp, prefixes: list[str], limit: int, queue: int = 0, wait: float = 0
    ) -> None:
        super().__init__(app)
        self.prefixes = tuple(prefixes)
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self.running = 0
        self.waiting: deque[asyncio.Future[None]] = deque()

    def applies(self, scope: Scope) -> bool:
        return _path(scope).startswith(self.prefixes)

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not await self._slot():
            await send_problem(
                scope,
                receive,
                send,
                503,
                "Busy",
                f"All {self.limit} slots for expensive queries are taken and "
                f"{len(self.waiting)} requests wait for one; try again shortly.",
                "busy",
                {"Retry-After": "1"},
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            abandoned: asyncio.Future[None] | None = scope.get(ABANDONED_WORK)
            if abandoned is not None and not abandoned.done():
                abandoned.add_done_callback(self._release)
            else:
                self._release()

    async def _slot(self) -> bool:
        """Take a slot, waiting in line for one if the line is not full."""
        if self.running < self.limit and not self.waiting:
            self.running += 1
            return True
        if len(self.waiting) >= self.queue:
            return False
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            # A slot handed over just as the wait ends is still taken: wait_for returns it.
            await asyncio.wait_for(turn, self.wait)
            return True
        except TimeoutError:
            return False
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # handed a slot while being cancelled: pass it on
            raise
        finally:
            if not turn.done() or turn.cancelled():
                with contextlib.suppress(ValueError):
                    self.waiting.remove(turn)

    def _release(self, _: object = None) -> None:
        # The slot passes to the first request still waiting, else it is free again.
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1


class TimeBudget(HttpGuard):
    """A 504 once the query budget (plus a grace) is spent, whatever the route is doing.

    Sync routes run in worker threads, which cannot be cancelled: the request is answered
    and its work left to end on its own. It does: Neo4j ends the transaction at the budget,
    and Python engines stop at their next `queries.runner.check_deadline()`.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        super().__init__(app)
        self.seconds = seconds

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = abandoned = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if abandoned:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.seconds)
            return
        except TimeoutError:
            if started:  # the answer is streaming out: let it finish
                await task
                return
        abandoned = True
        task.add_done_callback(_log_abandoned_failure)
        scope[ABANDONED_WORK] = task
        # Shutdown waits for it: closing the driver under a transaction still in use
        # breaks the connection's buffers.
        still_running: set[asyncio.Future[None]] | None = getattr(
            scope["app"].state, "abandoned_work", None
        )
        if still_running is not None:
            still_running.add(task)
            task.add_done_callback(still_running.discard)
        await send_problem(
            scope,
            receive,
            send,
            504,
            "Query timed out",
            f"query ran past its budget of {self.seconds - BUDGET_GRACE_SECONDS:g} s",
            "query-timeout",
        )


def _log_abandoned_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("work abandoned after its 504 failed", exc_info=task.exception())


class RateLimit(HttpGuard):
    """A token bucket per client address: `per_minute` requests a minute, in bursts of up
    to as many. Loopback clients are exempt unless `loopback` is set, and so are clients
    without an IP address (a Unix socket, an in-process test client)."""

    max_clients = 10_000

    def __init__(self, app: ASGIApp, per_minute: int, loopback: bool) -> None:
        super().__init__(app)
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.loopback = loopback
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def applies(self, scope: Scope) -> bool:
        host = _client_host(scope)
        return _is_ip(host) and (self.loopback or not is_loopback(host))

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        wait = self._take(_client_host(scope))
        if wait > 0:
            await send_problem(
                scope,
                receive,
                send,
                429,
                "Too many requests",
                f"more than {self.capacity:g} requests a minute from this client",
                "rate-limited",
                {"Retry-After": str(math.ceil(wait))},
            )
            return
        await self.app(scope, receive, send)

    def _take(self, host: str) -> float:
        """Spend a token; 0 if there was one, else the seconds until there is."""
        now = time.monotonic()
        tokens, last = self.buckets.pop(host, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) / self.rate
        self.buckets[host] = (tokens, now)
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


def _client_host(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class ApiKeys(HttpGuard):
    """`Authorization: Bearer <key>` whose SHA-256 is one of `hashes`; public pages aside."""

    def __init__(self, app: ASGIApp, hashes: frozenset[str]) -> None:
        super().__init__(app)
        self.hashes = hashes

    def applies(self, scope: Scope) -> bool:
        return not _path(scope).startswith(PUBLIC_PATHS)

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._authorised(scope):
            await self.app(scope, receive, send)
            return
        await send_problem(
            scope,
            receive,
            send,
            401,
            "API key needed",
            "send a valid API key as `Authorization: Bearer <key>`",
            "unauthorized",
            {"WWW-Authenticate": 'Bearer realm="tkg"'},
        )

    def _authorised(self, scope: Scope) -> bool:
        scheme, _, token = _header(scope, b"authorization").partition(" ")
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        return scheme.lower() == "bearer" and bool(token.strip()) and digest in self.hashes


class HostCheck(HttpGuard):
    """Answer only requests whose Host header names this service: a page on another site
    whose name an attacker re-points at 127.0.0.1 (DNS rebinding) sends its own host."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        super().__init__(app)
        self.any = "*" in allowed
        self.allowed = {host.lower() for host in allowed}

    def applies(self, scope: Scope) -> bool:
        return not self.any

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _strip_port(_header(scope, b"host").lower()) in self.allowed:
            await self.app(scope, receive, send)
            return
        await send_problem(
            scope,
            receive,
            send,
            400,
            "Unknown host",
            "this API does not answer for the host named in the Host header (see ALLOWED_HOSTS)",
            "unknown-host",
        )


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _strip_port(host: str) -> str:
    if host.startswith("["):  # [::1]:8000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class SecurityHeaders(HttpGuard):
    """nosniff, no framing, no referrer, and a same-origin content security policy."""

    async def guard(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def install_catch_all(app: FastAPI) -> None:
    """Innermost: whatever a route lets out is a problem body."""
    app.add_middleware(CatchAll)


def install_guards(app: FastAPI, settings: Settings) -> None:
    """Add the guards, innermost first: a request meets the security headers, the Host
    check, the API key, the rate limit, the slot limit, then the time budget (and, inside,
    what `app.main` adds: HTTP caching, then the route)."""
    app.add_middleware(TimeBudget, seconds=settings.query_timeout_seconds + BUDGET_GRACE_SECONDS)
    app.add_middleware(
        HeavyLimit,
        prefixes=settings.heavy_route_prefixes,
        limit=settings.heavy_concurrency,
        queue=settings.heavy_queue,
        wait=settings.heavy_queue_seconds,
    )
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(
            RateLimit,
            per_minute=settings.rate_limit_per_minute,
            loopback=settings.rate_limit_loopback,
        )
    hashes = settings.accepted_key_hashes()
    if hashes:
        app.add_middleware(ApiKeys, hashes=hashes)
    app.add_middleware(HostCheck, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
