"""Row URLs (portal/pk_urls.py): the same text ``reverse`` gives, for every URL a long page
links each row to, at the cost of one reverse per URL name."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from portal import pk_urls

ROW_URLS = [
    "tenants:detail",
    "tenants:issue_mute",
    "tenants:issue_unmute",
    "usage:company",
    "operations:job",
    "operations:tenant_orders",
    "operations:tenant_invoices",
    "operations:tenant_payments",
    "operations:tenant_jobs",
    "operations:console",
]


@pytest.mark.parametrize("name", ROW_URLS)
@pytest.mark.parametrize("pk", [1, 7, 2147483123, 98765432101])
def test_a_row_url_is_what_reverse_gives(name, pk):
    assert pk_urls.pk_url(name, pk) == reverse(name, args=[pk])


def test_the_template_tag_gives_the_same_url():
    template = engines["django"].from_string('{% load portal %}{% pk_url "tenants:detail" pk %}')
    assert template.render({"pk": 42}) == reverse("tenants:detail", args=[42])


def test_an_id_that_is_not_a_whole_number_is_refused():
    with pytest.raises(ValueError):
        pk_urls.pk_url("tenants:detail", "1/../2")


def test_an_unknown_url_name_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        pk_urls.pk_url("tenants:no_such_page", 1)


def test_a_url_under_a_script_prefix_keeps_it():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/portal/")
    try:
        assert pk_urls.pk_url("tenants:detail", 5) == reverse("tenants:detail", args=[5])
        assert pk_urls.pk_url("tenants:detail", 5).startswith("/portal/")
    finally:
        set_script_prefix(before)
