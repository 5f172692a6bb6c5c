"""Following a Background API operation to its end: addresses, requests and the poll schedule.

``wait()`` polls ``/v1/background/{id}`` with growing pauses, never more than 5 times a minute
(the ERP throttles the sixth identical request), until the state is Finished or Failed.

Security rule of the project: a ``stateLocation`` (from a 202 or a webhook) is only followed when
it points at the configured ERP host and at a background state path; anything else raises
``UntrustedLocation`` and nothing is sent.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from .. import errors
from .._operation import Operation, build_path
from .._reply import Reply
from ..config import Service
from ..models.background import BackgroundAccepted, BackgroundContent, BackgroundState
from ..repeat_guard import SAME_REQUEST_LIMIT, SAME_REQUEST_WINDOW_SECONDS
from ._common import json_object

FAMILY = "background"
STATE = "/v1/background/{requestId}"
CONTENT = "/v1/background/{requestId}/content"
# The legacy host prefixed paths with /API/controller/api; the id is always the last segment.
_STATE_PATH = re.compile(r"/v1/background/([^/]+)/?$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}

DEFAULT_WAIT_TIMEOUT = 120.0
DEFAULT_FIRST_INTERVAL = 1.0
DEFAULT_MAX_INTERVAL = 15.0
DEFAULT_MAX_POLLS = 40


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def request_id_from_location(location: str, erp_url: str) -> str:
    """The request id in a state URL, if (and only if) the URL is on the ERP host."""
    absolute = urljoin(erp_url + "/", location)
    if _origin(absolute) != _origin(erp_url):
        raise errors.UntrustedLocation(
            f"refusing to follow {location!r}: it is not on the configured ERP host {erp_url}"
        )
    match = _STATE_PATH.search(urlsplit(absolute).path)
    if not match:
        raise errors.UntrustedLocation(
            f"refusing to follow {location!r}: it is not a background state address"
        )
    return unquote(match.group(1))


def resolve_request_id(target: str | BackgroundAccepted, erp_url: str) -> str:
    if isinstance(target, BackgroundAccepted):
        if target.state_location:
            found = request_id_from_location(target.state_location, erp_url)
            if target.id and found != target.id:
                raise errors.UntrustedLocation(
                    f"stateLocation names request {found!r} but the 202 said {target.id!r}"
                )
            return found
        if target.id:
            return target.id
        raise ValueError("this BackgroundAccepted has neither an id nor a state location")
    if not isinstance(target, str) or not target.strip():
        raise ValueError("give a background request id or the BackgroundAccepted of the call")
    if "/" in target:
        return request_id_from_location(target, erp_url)
    return target.strip()


def _read_state(reply: Reply) -> BackgroundState:
    return BackgroundState.from_dict(json_object(reply), ratelimit=reply.ratelimit)


def _read_content(reply: Reply) -> BackgroundContent:
    data = None
    if reply.content:
        try:
            data = json.loads(reply.content)
        except ValueError:
            data = None
    return BackgroundContent(
        status=reply.status_code,
        content=reply.content,
        content_type=reply.headers.get("content-type"),
        data=data,
        ratelimit=reply.ratelimit,
    )


def state_operation(request_id: str) -> Operation[BackgroundState]:
    path = build_path(STATE, requestId=request_id)
    return Operation("GET", Service.ERP, STATE, path, FAMILY, _read_state)


def content_operation(request_id: str) -> Operation[BackgroundContent]:
    path = build_path(CONTENT, requestId=request_id)
    return Operation("GET", Service.ERP, CONTENT, path, FAMILY, _read_content)


@dataclass(slots=True)
class PollSchedule:
    """Pauses between polls: doubling from ``first`` up to ``maximum``, no more than the ERP's
    same-request limit per minute, within ``timeout`` seconds of pausing. Time is counted from the
    pauses themselves, so the schedule is the same on any machine (and never shorter than real
    time, which keeps it on the safe side of the ERP's per-minute limit)."""

    first: float = DEFAULT_FIRST_INTERVAL
    maximum: float = DEFAULT_MAX_INTERVAL
    timeout: float = DEFAULT_WAIT_TIMEOUT
    elapsed: float = 0.0
    polls: deque[float] = field(default_factory=lambda: deque(maxlen=SAME_REQUEST_LIMIT))
    _next: float = 0.0

    def __post_init__(self) -> None:
        if self.first <= 0 or self.maximum < self.first:
            raise ValueError("poll intervals must be positive, and maximum at least first")
        if self.timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self._next = self.first

    def polled(self) -> None:
        self.polls.append(self.elapsed)

    def next_delay(self) -> float | None:
        """The pause before the next poll, or ``None`` when the time is spent."""
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        if len(self.polls) == SAME_REQUEST_LIMIT:
            allowed_at = self.polls[0] + SAME_REQUEST_WINDOW_SECONDS
            delay = max(delay, allowed_at - self.elapsed)
        if self.elapsed + delay > self.timeout:
            return None
        self.elapsed += delay
        return delay


def timed_out(request_id: str, state: BackgroundState, polls: int) -> errors.BackgroundWaitTimeout:
    return errors.BackgroundWaitTimeout(
        f"background operation {request_id} still {state.status or 'unknown'} after {polls} polls",
        state=state,
        method="GET",
        path=build_path(STATE, requestId=request_id),
        ratelimit=state.ratelimit,
    )
