"""Background API results: the 202 acceptance, the state document and the stored content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..ratelimit import RateLimitInfo
from ._base import ErpModel, as_datetime, erp_model, spec

FINISHED = "Finished"
FAILED = "Failed"


@erp_model
class BackgroundAccepted(ErpModel):
    """``BackgroundApiAcceptedDto``: the ERP queued the call. Poll ``state_location`` or wait for
    the webhook; ``client.background.wait(accepted)`` does the polling."""

    id: str | None = spec()
    state_location: str | None = spec()
    content_location: str | None = spec()


@erp_model
class BackgroundState(ErpModel):
    """``BackgroundRequestStateDto``. ``status`` is Started, Finished or Failed; ``status_code`` is
    the HTTP status of the finished operation (0 while not done)."""

    id: str | None = spec()
    status: str | None = spec()
    status_code: int | None = spec()
    received_utc: datetime | None = spec(conv=as_datetime)
    started_utc: datetime | None = spec(conv=as_datetime)
    finished_utc: datetime | None = spec(conv=as_datetime)
    webhook_address: str | None = spec()
    error_message: str | None = spec()
    reference: str | None = spec()
    original_uri: str | None = spec()
    has_response_content: bool | None = spec()
    has_request_content: bool | None = spec()
    content_location: str | None = spec()
    response_headers: dict[str, Any] | None = spec()

    @property
    def done(self) -> bool:
        return self.status in (FINISHED, FAILED)

    @property
    def succeeded(self) -> bool:
        """Finished, and the operation itself answered 2xx."""
        return self.status == FINISHED and (self.status_code or 0) // 100 == 2

    @property
    def failed(self) -> bool:
        return self.status == FAILED or (self.status == FINISHED and (self.status_code or 0) >= 400)


@dataclass(frozen=True, slots=True)
class BackgroundContent:
    """The stored response of a finished background operation (``/v1/background/{id}/content``)."""

    status: int
    content: bytes
    content_type: str | None
    data: Any
    ratelimit: RateLimitInfo | None
