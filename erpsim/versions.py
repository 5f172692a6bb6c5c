"""Document versions: every change takes the next rowversion; its text is the ETag."""

from __future__ import annotations

import base64


def timestamp_of(rowversion: int) -> str:
    """``timeStamp`` / ``version`` / ETag text: the 8-byte rowversion in base64 (SQL Server
    rowversions look like this; the KB's example ETag is AAAAAE0YIiI=)."""
    return base64.b64encode(rowversion.to_bytes(8, "big")).decode()
