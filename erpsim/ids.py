"""Identifiers drawn from a seeded generator, so a given seed replays the same ids."""

from __future__ import annotations

import random
import threading
import uuid


class IdFactory:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"ids-{seed}")
        self._lock = threading.Lock()

    def guid(self) -> str:
        with self._lock:
            bits = self._random.getrandbits(128)
        return str(uuid.UUID(int=bits, version=4))
