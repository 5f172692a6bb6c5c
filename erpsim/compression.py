"""Response compression: the ERP API supports br, gzip and deflate (KB "compression algorithm").

Like ASP.NET Core's response compression with its defaults: Brotli preferred, then gzip, at the
"fastest" level, and only for bodies worth compressing.
"""

from __future__ import annotations

import gzip
import zlib
from functools import lru_cache

import brotli

from erpsim.replies import Reply

MIN_SIZE = 1024
_ENCODERS = {
    "br": lambda body: brotli.compress(body, quality=1),
    "gzip": lambda body: gzip.compress(body, compresslevel=1),
    "deflate": lambda body: zlib.compress(body, 1),
}


def accepted(header: str) -> set[str]:
    """Codings the client accepts (``q=0`` means refused)."""
    codings = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        if name and not (params and quality.replace(".", "", 1).strip("0") == ""):
            codings.add(name.strip().lower())
    return codings


@lru_cache(maxsize=1024)
def _encoded(coding: str, body: bytes) -> bytes:
    # Unchanged documents are fetched again and again (polling); compress each version once.
    return _ENCODERS[coding](body)


def compress(reply: Reply, accept_encoding: str | None) -> None:
    """Encode the body in place when the client accepts a coding and the body is large enough."""
    if not accept_encoding or len(reply.body) < MIN_SIZE or reply.header("Content-Encoding"):
        return
    codings = accepted(accept_encoding)
    for name in ("br", "gzip", "deflate"):
        if name in codings:
            reply.body = _encoded(name, reply.body)
            reply.headers.append(("Content-Encoding", name))
            reply.headers.append(("Vary", "Accept-Encoding"))
            return
