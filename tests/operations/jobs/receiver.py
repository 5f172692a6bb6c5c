"""A webhook receiver for the job tests: it records what the sandbox posts (raw body and headers),
the way the webhook inbox stores a delivery before anything reads it."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def receiver():
    """Yields (url, deliveries); each delivery is (headers in lower case, raw body)."""
    deliveries: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            deliveries.append(({k.lower(): v for k, v in self.headers.items()}, raw))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/background", deliveries
    finally:
        server.shutdown()
        server.server_close()
