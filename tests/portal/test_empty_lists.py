"""An empty list says why: nothing matches the filters (and a link clears them), or there is
nothing yet. portal.htmx.filters_in_use tells the two apart; templates/portal/_no_match.html words
the first."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = {
    "inbox": ("webhooks:inbox", "event=nothing_like_this", "No delivery yet."),
    "orders": ("operations:orders", "q=nothing-like-this", "No order has been created"),
    "issues": ("tenants:issues", "q=nothing-like-this", "No open issues"),
}


def _empty_state(html: str) -> str:
    marker = 'data-testid="empty-list"' if 'data-testid="empty-list"' in html else "no-deliveries"
    return html.split(marker, 1)[1].split("</", 1)[0]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_an_empty_list_tells_filtered_out_from_nothing_yet(client_for, admin, name):
    url_name, filters, nothing_yet = PAGES[name]
    client = client_for(admin)
    url = reverse(url_name)

    unfiltered = _empty_state(client.get(url).content.decode())
    assert nothing_yet in unfiltered and "matches these filters" not in unfiltered

    filtered_page = client.get(f"{url}?{filters}")
    assert filtered_page.status_code == 200
    filtered = _empty_state(filtered_page.content.decode())
    assert "matches these filters" in filtered and nothing_yet not in filtered
    assert f'href="{url}" data-testid="clear-filters"' in filtered

    # The page size and an empty field are not filters.
    blank = _empty_state(client.get(f"{url}?q=&event=&page=2&per_page=50").content.decode())
    assert nothing_yet in blank


def test_the_audit_log_offers_to_clear_filters_that_match_nothing(client_for, admin):
    client = client_for(admin)
    url = reverse("audit_log")
    html = client.get(f"{url}?actor=nobody%40nowhere.example").content.decode()
    assert "No event matches these filters." in _empty_state(html)
