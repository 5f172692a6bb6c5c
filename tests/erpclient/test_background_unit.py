"""The Background API flow at the transport: 202, state polling, content, the host rule."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from erpclient import Background, BackgroundAccepted, errors
from erpclient.resources.background import PollSchedule

from .fakes import FakeClock, FakeErp, make_async_client, make_client, ok_json

STATE = "/v1/background/bg-1"
ACCEPTED = {"id": "bg-1", "stateLocation": "https://api.finance.visma.net/v1/background/bg-1"}


def _state(status: str, code: int = 0) -> httpx.Response:
    return ok_json(
        {
            "id": "bg-1",
            "status": status,
            "statusCode": code,
            "contentLocation": "https://api.finance.visma.net/v1/background/bg-1/content",
        }
    )


def test_action_in_background_then_wait_until_finished():
    clock = FakeClock()
    fake = FakeErp().on(
        "/v1/supplierInvoice/000123/action/release", httpx.Response(202, json=ACCEPTED)
    )
    fake.on(STATE, _state("Started"), _state("Started"), _state("Finished", 200))
    fake.on(STATE + "/content", ok_json({"actionId": "a-1", "actionResult": "Done"}))
    client = make_client(fake, clock)
    accepted = client.supplier_invoices.release(
        "000123", background=Background.subscription(job="7")
    )
    assert isinstance(accepted, BackgroundAccepted)
    state = client.background.wait(accepted)
    assert state.status == "Finished" and state.succeeded and state.status_code == 200
    assert clock.sleeps == [1.0, 2.0]
    content = client.background.content(accepted)
    assert content.data == {"actionId": "a-1", "actionResult": "Done"} and content.status == 200
    assert fake.paths().count(STATE) == 3


def test_location_header_stands_in_for_a_missing_state_location():
    fake = FakeErp().on(
        "/v1/supplierInvoice/Invoice/000123/action/reverse",
        httpx.Response(202, json={"id": "bg-1"}, headers={"Location": ACCEPTED["stateLocation"]}),
    )
    accepted = make_client(fake).supplier_invoices.reverse("000123", background=Background.none())
    assert accepted.state_location == ACCEPTED["stateLocation"]


def test_wait_never_polls_more_than_five_times_a_minute():
    schedule = PollSchedule(first=1.0, maximum=15.0, timeout=600.0)
    times = []
    for _ in range(12):
        schedule.polled()
        times.append(schedule.elapsed)
        assert schedule.next_delay() is not None
    for index in range(5, len(times)):
        assert times[index] - times[index - 5] >= 60.0


def test_wait_gives_up_with_the_last_state():
    clock = FakeClock()
    fake = FakeErp().on(STATE, _state("Started"))
    client = make_client(fake, clock)
    with pytest.raises(errors.BackgroundWaitTimeout) as caught:
        client.background.wait("bg-1", timeout=10.0)
    assert caught.value.state.status == "Started"
    assert sum(clock.sleeps) <= 10.0
    assert len(fake.requests) == len(clock.sleeps) + 1


def test_wait_stops_after_max_polls():
    fake = FakeErp().on(STATE, _state("Started"))
    with pytest.raises(errors.BackgroundWaitTimeout, match="after 3 polls"):
        make_client(fake).background.wait("bg-1", max_polls=3)
    assert len(fake.requests) == 3


def test_a_failed_operation_is_returned_not_raised():
    fake = FakeErp().on(
        STATE,
        ok_json(
            {
                "id": "bg-1",
                "status": "Failed",
                "statusCode": 412,
                "errorMessage": "version mismatch",
            }
        ),
    )
    state = make_client(fake).background.wait("bg-1")
    assert state.failed and state.error_message == "version mismatch"


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.com/v1/background/bg-1",
        "http://api.finance.visma.net/v1/background/bg-1",
        "https://api.finance.visma.net:8443/v1/background/bg-1",
        "https://api.finance.visma.net.evil.example.com/v1/background/bg-1",
        "https://api.finance.visma.net/v1/supplierInvoice/000123",
        "//evil.example.com/v1/background/bg-1",
    ],
    ids=[
        "other-host",
        "downgraded-scheme",
        "other-port",
        "suffix-host",
        "not-a-state",
        "scheme-relative",
    ],
)
def test_state_location_off_the_erp_host_is_never_followed(location):
    fake = FakeErp().on(STATE, _state("Finished", 200))
    client = make_client(fake)
    with pytest.raises(errors.UntrustedLocation):
        client.background.wait(BackgroundAccepted.from_dict({"stateLocation": location}))
    with pytest.raises(errors.UntrustedLocation):
        client.background.state(location)
    assert fake.requests == [] and fake.token_requests == []


def test_state_location_and_id_must_agree():
    client = make_client(FakeErp())
    accepted = BackgroundAccepted.from_dict(
        {"id": "bg-2", "stateLocation": "https://api.finance.visma.net/v1/background/bg-1"}
    )
    with pytest.raises(errors.UntrustedLocation, match="bg-2"):
        client.background.state(accepted)


def test_legacy_and_relative_state_locations_on_the_erp_host_are_followed():
    fake = FakeErp().on(STATE, _state("Finished", 200))
    client = make_client(fake)
    client.background.state("/API/controller/api/v1/background/bg-1")
    client.background.state("https://API.finance.visma.net:443/v1/background/bg-1")
    assert fake.paths() == [STATE, STATE]


def test_gone_content_is_a_typed_error():
    fake = FakeErp().on(
        STATE + "/content", httpx.Response(410, json={"Message": "removed after 24 hours"})
    )
    with pytest.raises(errors.Gone):
        make_client(fake).background.content("bg-1")


def test_async_background_wait():
    clock = FakeClock()
    fake = FakeErp().on(STATE, _state("Started"), _state("Finished", 204))

    async def run():
        client = make_async_client(fake, clock)
        state = await client.background.wait("bg-1")
        await client.close()
        return state

    assert asyncio.run(run()).status_code == 204
    assert clock.sleeps == [1.0]
