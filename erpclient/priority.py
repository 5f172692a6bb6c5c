"""Which lane a call runs in. Below both the limiter and the recorder, which both name it."""

from __future__ import annotations

from enum import Enum


class Priority(Enum):
    """Which lane a call runs in: a person waiting, or a periodic job."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"
