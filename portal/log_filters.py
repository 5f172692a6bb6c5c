"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A refused request (403, 404, 400…) is the client's business, not a bug: Django logs it with
    the traceback of the PermissionDenied or Http404 behind it; keep the one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
