"""Neo4j goes away while the API serves: prompt 503 problem bodies that name no internal
address, /health says why, and service resumes when Neo4j is back, without a restart.

Neo4j is "stopped" by cutting a TCP relay between the API and the test instance: to the
API that is a server gone (connections reset, then refused), and the test instance keeps
serving the other tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

pytestmark = pytest.mark.usefixtures("bundled")


class Relay:
    """A loopback TCP relay to Neo4j's Bolt port that can be cut and restored."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Close the listener and every relayed connection, as a stopped server would."""
        with self.lock:
            # shutdown() first: a plain close() leaves the socket listening while the
            # accepting thread is blocked in accept().
            for sock in ([self.listener] if self.listener else []) + self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()
            self.listener = None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.close()
            except OSError:
                pass


@pytest.fixture
def relay(settings: Settings) -> Iterator[Relay]:
    relay = Relay(("127.0.0.1", settings.bolt_port))
    relay.start()
    yield relay
    relay.cut()


def test_neo4j_down_is_a_prompt_503_and_service_resumes_when_it_returns(
    settings: Settings, relay: Relay
) -> None:
    through_relay = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{relay.port}"})
    with TestClient(create_app(through_relay)) as client:
        assert client.get("/v1/actors/prk").status_code == 200
        relay.cut()
        for url in [
            "/v1/actors/prk",
            "/v1/relationships?a=prk&b=rus",
            "/v1/paths?source=prk&target=ukr",
        ] * 2:
            began = time.monotonic()
            response = client.get(url)
            elapsed = time.monotonic() - began
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            detail = response.json()["detail"]
            assert str(relay.port) not in detail and "127.0.0.1" not in detail, detail
            assert elapsed < 1.0, f"{url} took {elapsed:.2f} s to say 503"
        health = client.get("/health")
        assert health.status_code == 503
        assert "connection" in health.json()["detail"], health.json()
        relay.start()
        deadline = time.monotonic() + 5
        while client.get("/v1/actors/prk").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover"
            time.sleep(0.1)
        assert client.get("/health").status_code == 200
