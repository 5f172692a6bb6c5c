"""``client.background``: follow a Background API operation to its end.

``wait()`` polls with growing pauses, never more than 5 times a minute, until the state is
Finished or Failed. A ``stateLocation`` is only followed when it is on the configured ERP host
(``UntrustedLocation`` otherwise, and nothing is sent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.background import BackgroundAccepted, BackgroundContent, BackgroundState
from ..resources import background as ops
from ..resources.background import (
    DEFAULT_FIRST_INTERVAL,
    DEFAULT_MAX_INTERVAL,
    DEFAULT_MAX_POLLS,
    DEFAULT_WAIT_TIMEOUT,
)

if TYPE_CHECKING:
    from .client import AsyncErpClient


class AsyncBackgroundOperations:
    def __init__(self, client: AsyncErpClient) -> None:
        self._client = client

    async def state(self, target: str | BackgroundAccepted) -> BackgroundState:
        request_id = ops.resolve_request_id(target, self._client.erp_url)
        return await self._client.request(ops.state_operation(request_id))

    async def content(self, target: str | BackgroundAccepted) -> BackgroundContent:
        """The stored response of the operation (404 none, 410 removed after 24 hours)."""
        request_id = ops.resolve_request_id(target, self._client.erp_url)
        return await self._client.request(ops.content_operation(request_id))

    async def wait(
        self,
        target: str | BackgroundAccepted,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        first_interval: float = DEFAULT_FIRST_INTERVAL,
        max_interval: float = DEFAULT_MAX_INTERVAL,
        max_polls: int = DEFAULT_MAX_POLLS,
    ) -> BackgroundState:
        """Poll until Finished or Failed; ``BackgroundWaitTimeout`` (with the last state) if the
        time or the polls run out. The action's own result is then in ``content()``, and the
        document's real state in a GET of the document."""
        request_id = ops.resolve_request_id(target, self._client.erp_url)
        if max_polls < 1:
            raise ValueError("max_polls must be at least 1")
        schedule = ops.PollSchedule(first_interval, max_interval, timeout)
        polls = 0
        while True:
            state = await self._client.request(ops.state_operation(request_id))
            schedule.polled()
            polls += 1
            if state.done:
                return state
            delay = schedule.next_delay() if polls < max_polls else None
            if delay is None:
                raise ops.timed_out(request_id, state, polls)
            await self._client._sleep(delay)
