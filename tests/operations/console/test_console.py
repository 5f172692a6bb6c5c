"""The API console against the sandbox ERP over real HTTP: who may use it, the form from the spec,
what is sent and recorded, the answer and its explanation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erpspecs import specs
from operations.console.models import CallState, ConsoleCall
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "financials.SupplierInvoice_GetAllInvoices"
GET_ONE = "financials.SupplierInvoice_GetByinvoiceNumber"
PUT = "financials.SupplierInvoice_PutByinvoiceNumber"
RELEASE = "financials.SupplierInvoice_ReleaseInvoiceByinvoiceNumber"
V3_CREATE = "salesorders.SalesOrders_CreateNewItem_"
V3_DELETE = "salesorders.SalesOrders_Delete_typeorderId"


@pytest.fixture
def tenant(erp_settings, make_tenant):
    return make_tenant("healthy")


def _send(client, tenant, op: str, data: dict | None = None, **headers):
    return client.post(
        reverse("operations:console_send", args=[tenant.pk]), {"op": op, **(data or {})}, **headers
    )


def _page(client, tenant, **query):
    return client.get(reverse("operations:console", args=[tenant.pk]), query)


def _token(response) -> str:
    import re

    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "the write form carries a form token"
    return match.group(1)


def _first_invoice(client, tenant) -> dict:
    response = _send(client, tenant, LIST, {"query__pageSize": "5", "query__status": "Balanced"})
    assert response.status_code == 200
    return response.context["answer"].body[0]


def test_a_viewer_cannot_reach_any_console_page(client_for, viewer, tenant):
    client = client_for(viewer)
    assert client.get(reverse("operations:console_index")).status_code == 403
    assert _page(client, tenant, op=LIST).status_code == 403
    assert _send(client, tenant, LIST).status_code == 403
    assert not ConsoleCall.objects.exists()


def test_the_index_lists_tenants_and_the_console_lists_every_operation(
    client_for, operator, tenant
):
    client = client_for(operator)
    index = client.get(reverse("operations:console_index"))
    assert tenant.display_name in index.content.decode()
    page = _page(client, tenant)
    body = page.content.decode()
    assert "SupplierInvoice" in body and "/api/v3/SalesOrders" in body
    total = len(specs().operations)
    assert total > 500 and f"{total} operations in" in body
    assert body.count('class="op-list"') == len(specs().groups())
    # The same list for another tenant (it is rendered once): links are relative to the page.
    assert 'href="?op=financials.SupplierInvoice_GetAllInvoices"' in body


def test_searching_narrows_the_list_as_an_htmx_partial(client_for, operator, tenant):
    response = client_for(operator).get(
        reverse("operations:console", args=[tenant.pk]),
        {"q": "supplierInvoice release", "part": "operations"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'id="console-operations"' in body and "<html" not in body
    assert "/action/release" in body and "/v1/customer" not in body


def test_the_form_has_every_parameter_kind_of_the_supplier_invoice_list(
    client_for, operator, tenant
):
    response = _page(client_for(operator), tenant, op=LIST)
    form = response.context["form"]
    condition = form.fields["query__lastModifiedDateTimeCondition"]
    assert [value for value, _ in condition.choices] == ["", ">", "<", ">=", "<="]
    assert "Hold" in [value for value, _ in form.fields["query__status"].choices]
    assert [v for v, _ in form.fields["query__expandAttachment"].choices] == ["", "true", "false"]
    assert form.fields["query__pageNumber"].__class__.__name__ == "IntegerField"
    assert "header__erp-api-background" in form.fields
    assert "body" not in form.fields and "confirm_company" not in form.fields


def test_a_get_with_a_date_time_condition_shows_the_answer_and_the_budget_left(
    client_for, operator, tenant
):
    client = client_for(operator)
    response = _send(
        client,
        tenant,
        LIST,
        {
            "query__lastModifiedDateTime": "2020-01-01T00:00:00",
            "query__lastModifiedDateTimeCondition": ">=",
            "query__pageSize": "3",
        },
    )
    assert response.status_code == 200
    answer = response.context["answer"]
    assert answer.status == 200 and isinstance(answer.body, list) and len(answer.body) == 3
    assert answer.remaining is not None and answer.limit == 15000
    body = response.content.decode()
    assert "Budget left" in body and "X-RateLimit-Remaining" in body
    # Sent without htmx, the answer comes in the whole page, operation list included.
    assert 'class="op-list"' in body
    call = ConsoleCall.objects.get()
    assert call.state == CallState.ANSWERED and call.status == 200 and call.actor == operator
    assert "lastModifiedDateTimeCondition=%3E%3D" in call.path
    # A read is recorded in the history, not audited.
    assert not AuditEvent.objects.filter(action="console.write").exists()


def test_a_condition_without_its_value_is_refused_and_nothing_is_sent(client_for, operator, tenant):
    response = _send(
        client_for(operator), tenant, LIST, {"query__lastModifiedDateTimeCondition": ">="}
    )
    assert response.status_code == 400
    assert "go together" in response.content.decode()
    assert not ConsoleCall.objects.exists()


def test_a_full_page_offers_the_next_one_and_following_it_asks_for_page_two(
    client_for, operator, tenant
):
    client = client_for(operator)
    first = _send(client, tenant, LIST, {"query__pageSize": "2"})
    following = first.context["next_inputs"]
    assert following["query__pageNumber"] == "2"
    assert "Follow the next page" in first.content.decode()
    second = _send(client, tenant, LIST, following)
    assert second.context["answer"].status == 200
    assert "pageNumber=2" in ConsoleCall.objects.order_by("-pk").first().path


def test_an_operator_reads_but_may_not_send_a_write(client_for, operator, tenant):
    client = client_for(operator)
    page = _page(client, tenant, op=PUT)
    assert "Only admins send a PUT" in page.content.decode()
    assert "form_token" not in page.content.decode()
    response = _send(client, tenant, PUT, {"path__invoiceNumber": "1", "confirm_company": "on"})
    assert response.status_code == 403
    assert not ConsoleCall.objects.exists()


def test_a_write_needs_the_box_that_names_the_company(client_for, admin, tenant):
    client = client_for(admin)
    page = _page(client, tenant, op=PUT)
    label = page.context["form"].fields["confirm_company"].label
    assert label == f"Send this PUT to {tenant.erp_company_name or tenant.name}"
    response = _send(
        client,
        tenant,
        PUT,
        {
            "path__invoiceNumber": "000001",
            "body": '{"description": {"value": "x"}}',
            "form_token": _token(page),
        },
    )
    assert response.status_code == 400
    assert "Tick this box" in response.content.decode()
    assert not ConsoleCall.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"description": {"value": "x"', "not valid JSON"),
        ('{"description": "x"}', "is not of type"),
    ],
)
def test_bad_json_or_a_body_the_schema_rejects_sends_nothing(
    client_for, admin, tenant, body, words
):
    client = client_for(admin)
    page = _page(client, tenant, op=PUT)
    response = _send(
        client,
        tenant,
        PUT,
        {
            "path__invoiceNumber": "000001",
            "body": body,
            "confirm_company": "on",
            "form_token": _token(page),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was sent" in text and words in text
    assert not ConsoleCall.objects.exists()


def test_a_put_with_a_stale_if_match_is_412_explained_and_audited(
    client_for, admin, tenant, sandbox
):
    client = client_for(admin)
    invoice = _first_invoice(client, tenant)
    read = _send(
        client,
        tenant,
        GET_ONE,
        {"path__invoiceNumber": invoice["referenceNumber"]},
    )
    etag = read.context["answer"].etag
    assert etag
    sandbox.control(
        "POST",
        f"/_sandbox/tenants/{tenant.tenant_id}/supplier-invoices/"
        f"{invoice['documentType']}/{invoice['referenceNumber']}/touch",
    )
    page = _page(client, tenant, op=PUT)
    response = _send(
        client,
        tenant,
        PUT,
        {
            "path__invoiceNumber": invoice["referenceNumber"],
            "header__If-Match": etag,
            "body": '{"description": {"value": "mine"}}',
            "confirm_company": "on",
            "form_token": _token(page),
        },
    )
    assert response.status_code == 200
    assert response.context["answer"].status == 412
    reading = response.context["reading"].reading
    assert reading.first.key == "precondition_failed"
    assert "Nothing was overwritten" in response.content.decode()
    reread = response.context["reread_url"]
    assert (
        f"op={GET_ONE}" in reread and f"path__invoiceNumber={invoice['referenceNumber']}" in reread
    )
    event = AuditEvent.objects.get(action="console.write")
    assert event.actor == admin and event.details["status"] == 412
    assert event.details["method"] == "PUT"


def test_the_same_write_form_sent_twice_is_sent_once(client_for, admin, tenant):
    client = client_for(admin)
    page = _page(client, tenant, op=PUT)
    data = {
        "path__invoiceNumber": "no-such-invoice",
        "body": '{"description": {"value": "x"}}',
        "confirm_company": "on",
        "form_token": _token(page),
    }
    first = _send(client, tenant, PUT, data)
    assert first.context["answer"].status == 404
    again = _send(client, tenant, PUT, data)
    assert again.context["sent"].repeated
    assert "it was not sent again" in again.content.decode()
    assert ConsoleCall.objects.count() == 1
    assert AuditEvent.objects.filter(action="console.write").count() == 1


def test_a_delete_is_refused_unless_the_second_box_is_ticked(client_for, admin, tenant):
    client = client_for(admin)
    page = _page(client, tenant, op=V3_DELETE)
    assert "confirm_delete" in page.context["form"].fields
    data = {
        "path__type": "SO",
        "path__orderId": "000001",
        "header__If-Match": '"abc"',
        "confirm_company": "on",
        "form_token": _token(page),
    }
    refused = _send(client, tenant, V3_DELETE, data)
    assert refused.status_code == 400
    assert "second box" in refused.content.decode()
    assert not ConsoleCall.objects.exists()


def test_a_202_offers_the_background_request_to_follow(client_for, admin, tenant):
    client = client_for(admin)
    invoice = _first_invoice(client, tenant)
    page = _page(client, tenant, op=RELEASE)
    response = _send(
        client,
        tenant,
        RELEASE,
        {
            "path__invoiceNumber": invoice["referenceNumber"],
            "header__erp-api-background": "none",
            "confirm_company": "on",
            "form_token": _token(page),
        },
    )
    answer = response.context["answer"]
    assert answer.status == 202 and answer.background_id
    body = response.content.decode()
    assert "Background request" in body and "Read its state here" in body
    assert response.context["jobs_url"] == reverse("operations:tenant_jobs", args=[tenant.pk])
    follow = _page(
        client,
        tenant,
        op="financials.Background_GetBackgroundApiOperationByrequestId",
        **{"path__requestId": answer.background_id},
    )
    assert follow.context["form"].initial["path__requestId"] == answer.background_id


def test_an_unknown_operation_or_tenant_is_a_404(client_for, operator, tenant):
    client = client_for(operator)
    assert _send(client, tenant, "financials.NoSuchThing").status_code == 404
    assert client.get(reverse("operations:console", args=[999999])).status_code == 404


def test_history_reruns_and_copies_as_curl_without_the_token(client_for, operator, admin, tenant):
    client = client_for(operator)
    _send(client, tenant, LIST, {"query__status": "Open", "query__pageSize": "1"})
    call = ConsoleCall.objects.get()
    page = _page(client, tenant, op=LIST, rerun=str(call.pk))
    assert page.context["form"].initial["query__status"] == "Open"
    assert "Run again" in page.content.decode()
    curl = client.get(reverse("operations:console_curl", args=[tenant.pk, call.pk]))
    text = curl.content.decode()
    assert "Authorization: Bearer $VISMA_ACCESS_TOKEN" in text
    assert "status=Open" in text and "Bearer ey" not in text
    mine = _page(client_for(admin), tenant, mine="1")
    assert list(mine.context["history"]) == []


def test_a_call_the_erp_would_punish_is_not_sent_and_the_page_says_why(
    client_for, operator, tenant
):
    client = client_for(operator)
    for _ in range(2):
        failed = _send(client, tenant, GET_ONE, {"path__invoiceNumber": "NO-SUCH-INVOICE"})
        assert failed.context["answer"].status == 404
    held = _send(client, tenant, GET_ONE, {"path__invoiceNumber": "NO-SUCH-INVOICE"})
    assert held.context["reading"].reading.first.key == "repeated_request"
    assert "Not sent" in held.content.decode()
    call = ConsoleCall.objects.order_by("-pk").first()
    assert call.state == CallState.NOT_SENT and call.status is None


def test_a_put_with_the_current_etag_is_sent_once_and_audited(client_for, admin, tenant):
    client = client_for(admin)
    invoice = _first_invoice(client, tenant)
    read = _send(client, tenant, GET_ONE, {"path__invoiceNumber": invoice["referenceNumber"]})
    etag = read.context["answer"].etag
    page = _page(client, tenant, op=PUT)
    response = _send(
        client,
        tenant,
        PUT,
        {
            "path__invoiceNumber": invoice["referenceNumber"],
            # Unquoted, as the body's timeStamp is: the form quotes it as the ERP wants.
            "header__If-Match": etag.strip('"'),
            "body": '{"description": {"value": "Changed from the console"}}',
            "confirm_company": "on",
            "form_token": _token(page),
        },
    )
    answer = response.context["answer"]
    assert answer.status == 204 and answer.etag and answer.etag != etag
    assert response.context["reading"] is None
    again = _send(client, tenant, GET_ONE, {"path__invoiceNumber": invoice["referenceNumber"]})
    assert again.context["answer"].body["description"] == "Changed from the console"
    event = AuditEvent.objects.get(action="console.write")
    assert event.details["status"] == 204 and event.details["state"] == "answered"


def test_the_v3_next_page_comes_from_next_page_on_the_same_path(client_for, operator, tenant):
    client = client_for(operator)
    first = _send(client, tenant, "salesorders.SalesOrders_GetList_", {"query__pageSize": "1"})
    assert first.context["answer"].body["nextPage"]
    following = first.context["next_inputs"]
    assert following["query__pageIndex"] == "1" and following["query__pageSize"] == "1"
    second = _send(client, tenant, "salesorders.SalesOrders_GetList_", following)
    assert second.context["answer"].status == 200
    assert second.context["answer"].body["value"] != first.context["answer"].body["value"]


def test_the_operations_index_offers_the_console_for_each_tenant(client_for, operator, tenant):
    page = client_for(operator).get(reverse("operations:index")).content.decode()
    assert "API console" in page
    assert reverse("operations:console", args=[tenant.pk]) in page
