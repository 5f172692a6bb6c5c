"""ERP errors shown to staff: the guide's reading with the tenant's links, and the raw answer."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from erpclient import errors
from errorguide import explain
from errorguide.catalogue import Link
from portal.erp_errors import shown
from tenants.links import error_links

pytestmark = pytest.mark.django_db


def test_a_licence_error_links_to_the_tenants_issue_and_shows_the_raw_answer(make_tenant):
    tenant = make_tenant("no_license")
    error = errors.LicenseMissing(
        "No license for this company.",
        status=400,
        body={"ExceptionMessage": "No license for this company.", "ExceptionFaultCode": "12027"},
        fault_code="12027",
        method="GET",
        path="/v1/supplierInvoice",
    )
    reading = explain(error, company=tenant.display_name, isv="Acme")
    page = render_to_string(
        "portal/_erp_error.html", {"error": shown(reading, error_links(tenant))}
    )
    assert "No license for this company (12027)" in page
    assert f'href="/tenants/{tenant.pk}/#issues-title"' in page
    assert "Järnviken Verkstad AB" in page  # in the customer message
    assert "ExceptionFaultCode" in page  # the raw answer


def test_a_link_with_no_url_here_is_left_out(make_tenant):
    reading = explain(errors.ServerError("boom", status=503))
    result = shown(reading, {Link.STATUS_PAGE: ""})
    assert result.explanations[0].links == ()
