"""Cached lookups: one ERP call per answer, narrowed locally while typing, forgotten on demand."""

from __future__ import annotations

import pytest

from operations import lookups

pytestmark = pytest.mark.django_db

CUSTOMERS = [
    {"id": "10000", "name": "Nordlys Handel AS"},
    {"id": "10001", "name": "Nordkapp Fisk AS"},
    {"id": "10002", "name": "Bergen Bygg AS"},
]


class FakeErpSearch:
    """Counts the searches the ERP was asked; answers by substring like the v3 filter."""

    def __init__(self, rows, page_size=100):
        self.rows = rows
        self.page_size = page_size
        self.asked: list[str] = []

    def __call__(self, query):
        self.asked.append(query)
        found = [row for row in self.rows if matches(row, query)]
        return found[: self.page_size], len(found) <= self.page_size


def matches(row, query):
    query = query.casefold()
    return query in row["id"].casefold() or query in row["name"].casefold()


def _type(tenant, erp, text, start=2):
    answers = []
    for end in range(start, len(text) + 1):
        answers.append(lookups.search(tenant, "customers", text[:end], erp, matches, min_length=2))
    return answers


def test_typing_a_ten_character_name_asks_the_erp_once(make_tenant):
    tenant = make_tenant("healthy")
    erp = FakeErpSearch(CUSTOMERS)
    answers = _type(tenant, erp, "Nordlys Ha")
    assert erp.asked == ["No"]
    assert [row["id"] for row in answers[-1].rows] == ["10000"]
    assert answers[-1].from_cache and not answers[0].from_cache


def test_a_cut_off_first_answer_costs_one_more_call_and_no_more(make_tenant):
    tenant = make_tenant("healthy")
    erp = FakeErpSearch(CUSTOMERS, page_size=1)
    _type(tenant, erp, "Nordlys Ha")
    assert erp.asked == ["No", "Nor", "Nord", "Nordl"]
    # Each answer of one row is cut off until the query names one customer; the next keystroke
    # after a complete answer never asks again.
    assert len(erp.asked) == len(set(erp.asked))


def test_forgetting_makes_the_next_search_ask_again_and_other_tenants_keep_theirs(make_tenant):
    first = make_tenant("healthy")
    second = make_tenant("slow")
    erp = FakeErpSearch(CUSTOMERS)
    lookups.search(first, "customers", "Nord", erp, matches)
    lookups.search(second, "customers", "Nord", erp, matches)
    lookups.forget(first, "customers")
    lookups.search(first, "customers", "Nord", erp, matches)
    lookups.search(second, "customers", "Nord", erp, matches)
    assert erp.asked == ["Nord", "Nord", "Nord"]


def test_a_cached_answer_says_when_it_was_fetched(make_tenant):
    tenant = make_tenant("healthy")
    first = lookups.cached(tenant, "order_types", "all", lambda: ([{"id": "SO"}], True))
    again = lookups.cached(tenant, "order_types", "all", lambda: pytest.fail("asked twice"))
    assert again.fetched_at == first.fetched_at and again.from_cache
