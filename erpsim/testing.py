"""``SandboxServer``: the sandbox on a free local port in a background thread.

with SandboxServer(world="demo", seed=1) as server:
    httpx.get(f"{server.url}/resources/v1/context", ...)
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from erpsim.app import SandboxApp
from erpsim.config import SandboxOptions

_START_TIMEOUT = 30.0


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SandboxServer:
    def __init__(self, world: str = "demo", seed: int = 1, host: str = "127.0.0.1", **options: Any):
        self.host = host
        self.port = 0
        self.app = SandboxApp(
            SandboxOptions.from_mapping({"world": world, "seed": seed, **options})
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._http = httpx.Client(timeout=30.0)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self.port = _free_port(self.host)
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="erpsim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server stopped while starting")
            try:
                if self._http.get(f"{self.url}/_sandbox/health").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the sandbox did not answer on {self.url} within {_START_TIMEOUT} s")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._http.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        self.control("POST", "/_sandbox/reset")

    def control(self, method: str, path: str, json: Any = None) -> Any:
        """Call the control API and return its JSON; raises httpx.HTTPStatusError on non-2xx.

        Writes always go as JSON (``{}`` when there is nothing to send): the sandbox refuses others.
        """
        if json is None and method.upper() not in ("GET", "HEAD"):
            json = {}
        response = self._http.request(method, f"{self.url}{path}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None
