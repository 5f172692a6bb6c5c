"""The log line formats settings.LOGGING offers (LOG_FORMAT): both in UTC and naming the process,
so the lines of several processes and hosts sort and merge into one timeline."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime


class PlainFormatter(logging.Formatter):
    """``2026-12-02T07:47:56.195Z INFO MainProcess[14750] celery.beat: message``"""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(processName)s[%(process)d] %(name)s: %(message)s"
        )


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, process, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, tz=UTC)
        entry = {
            "time": when.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": f"{record.processName}[{record.process}]",
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
