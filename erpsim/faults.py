"""Fault injection: added latency, 5xx answers, dropped connections and hung requests.

Draws come from a generator seeded with ``--seed``, so the same seed and the same sequence of
requests give the same faults.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
from dataclasses import asdict, dataclass
from typing import Any

FAULT_FIELDS = ("latency_ms", "error_rate", "reset_rate", "timeout_rate")


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int = 0
    error_rate: float = 0.0
    reset_rate: float = 0.0
    timeout_rate: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def merged_with(self, other: FaultConfig) -> FaultConfig:
        """The stronger of each setting (a global fault and a scenario both apply)."""
        return FaultConfig(
            max(self.latency_ms, other.latency_ms),
            max(self.error_rate, other.error_rate),
            max(self.reset_rate, other.reset_rate),
            max(self.timeout_rate, other.timeout_rate),
        )


NO_FAULTS = FaultConfig()


def parse_fault_config(data: dict[str, Any]) -> FaultConfig:
    """Validated settings from the control API; raises ValueError with a readable message."""
    values: dict[str, Any] = {}
    for name in FAULT_FIELDS:
        raw = data.get(name, 0)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError(f"{name} must be a number")
        if name == "latency_ms":
            if raw < 0 or raw > 600_000 or int(raw) != raw:
                raise ValueError("latency_ms must be a whole number from 0 to 600000")
            values[name] = int(raw)
        else:
            if not 0 <= raw <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
            values[name] = float(raw)
    if values["error_rate"] + values["reset_rate"] + values["timeout_rate"] > 1:
        raise ValueError("error_rate + reset_rate + timeout_rate must not exceed 1")
    return FaultConfig(**values)


class FaultDice:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._random = random.Random(f"faults-{seed}")
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._random = random.Random(f"faults-{self._seed}")

    def roll(self, config: FaultConfig) -> str | None:
        """``"error"``, ``"reset"``, ``"timeout"`` or None."""
        if not (config.error_rate or config.reset_rate or config.timeout_rate):
            return None
        with self._lock:
            draw = self._random.random()
        if draw < config.error_rate:
            return "error"
        if draw < config.error_rate + config.reset_rate:
            return "reset"
        if draw < config.error_rate + config.reset_rate + config.timeout_rate:
            return "timeout"
        return None


def abort_connection(send: Any) -> bool:
    """Reset the TCP connection under an ASGI ``send`` (uvicorn keeps the transport on it).

    SO_LINGER with a zero timeout makes close() send RST, which is what a client sees when a
    load balancer drops it. Returns False when the server does not expose its transport.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True


LOST_ANSWER_MODES = ("reset", "timeout")


@dataclass(frozen=True)
class LostAnswer:
    """The next matching ERP request runs (an order is created), then its answer is lost:
    ``reset`` drops the connection, ``timeout`` holds the answer for ``hold_seconds`` and then
    gives a 504. A client sees no answer either way and must ask the ERP what happened."""

    method: str
    path: str
    tenant_id: str | None
    mode: str
    hold_seconds: float

    def matches(self, method: str, path: str, tenant_id: str | None) -> bool:
        return (
            self.method == method
            and self.path == path.lower().rstrip("/")
            and (self.tenant_id is None or self.tenant_id == (tenant_id or "").lower())
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class LostAnswers:
    def __init__(self) -> None:
        self._armed: list[LostAnswer] = []
        self._lock = threading.Lock()

    def arm(self, lost: LostAnswer) -> None:
        with self._lock:
            self._armed.append(lost)

    def take(self, method: str, path: str, tenant_id: str | None) -> LostAnswer | None:
        """The first armed entry for this request, disarmed (each loses one answer)."""
        if not self._armed:
            return None  # the usual case, without taking the lock on every ERP call
        with self._lock:
            for index, lost in enumerate(self._armed):
                if lost.matches(method, path, tenant_id):
                    return self._armed.pop(index)
        return None

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [lost.as_dict() for lost in self._armed]

    def reset(self) -> None:
        with self._lock:
            self._armed.clear()
