"""CSV import: every kind of bad input gets a clear message and nothing is half-saved; a good file
imports every row; importing it again changes nothing."""

from __future__ import annotations

import codecs

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from tenants import csv_import
from tenants.models import Customer, Tenant

pytestmark = pytest.mark.django_db

GOOD = (
    "tenant id,name,customer,client\n"
    "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Nordlys Handel AS,Nordlys Gruppen AS,isv_demo_prod\n"
    "6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22,Solberga Trävaror AB,Solberga Koncern AB,isv_demo_test\n"
)


def _import(text: str, actor=None):
    return csv_import.tenants_import(actor=actor, text=text)


def test_a_good_file_imports_every_row_and_again_changes_nothing(demo_clients, admin):
    plan = csv_import.read(GOOD.encode())
    assert plan.importable
    assert [row.state for row in plan.rows] == ["new", "new"]
    assert plan.new_customers == ["Nordlys Gruppen AS", "Solberga Koncern AB"]

    created = _import(plan.text, actor=admin)
    assert len(created) == 2
    assert Tenant.objects.count() == 2
    assert Customer.objects.count() == 2
    assert {t.api_client.client_id for t in created} == {"isv_demo_prod", "isv_demo_test"}
    assert AuditEvent.objects.filter(action="tenant.created").count() == 2

    again = csv_import.read(GOOD.encode())
    assert [row.state for row in again.rows] == ["unchanged", "unchanged"]
    assert not again.importable
    with pytest.raises(ValidationError, match="Nothing to import"):
        _import(again.text)
    assert Tenant.objects.count() == 2


def test_one_bad_row_means_nothing_is_imported(demo_clients):
    text = GOOD + "not-a-guid,Broken AS,Broken AS,isv_demo_prod\n"
    plan = csv_import.read(text.encode())
    assert not plan.importable
    bad = plan.error_rows
    assert [row.line for row in bad] == [4]
    assert "not a tenant id" in bad[0].problems[0]
    with pytest.raises(ValidationError, match="Nothing was imported"):
        _import(text)
    assert Tenant.objects.count() == 0
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,,Nordlys,isv_demo_prod", "name is empty"),
        ("5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Nordlys,,isv_demo_prod", "customer is empty"),
        ("5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Nordlys,Nordlys,isv_nobody", "No API client"),
        ("5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f1,Nordlys,Nordlys,isv_demo_prod", "not a tenant id"),
    ],
)
def test_row_problems_are_named(demo_clients, row, problem):
    plan = csv_import.read(f"tenant id,name,customer,client\n{row}\n".encode())
    assert not plan.importable
    assert any(problem in text for text in plan.error_rows[0].problems)


def test_a_duplicate_in_the_file_is_named_with_its_line(demo_clients):
    line = "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Nordlys,Nordlys,isv_demo_prod\n"
    plan = csv_import.read(("tenant id,name,customer,client\n" + line + line).encode())
    assert plan.error_rows[0].line == 3
    assert "Line 2 already has this tenant" in plan.error_rows[0].problems[0]


def test_a_tenant_registered_differently_is_a_problem(demo_clients, make_tenant):
    make_tenant("healthy")
    text = (
        "tenant id,name,customer,client\n"
        "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11,Another Name AS,Nordlys Gruppen AS,isv_demo_prod\n"
    )
    plan = csv_import.read(text.encode())
    assert "Already registered" in plan.error_rows[0].problems[0]


def test_a_customer_tenant_id_is_refused(demo_clients):
    from tenants import services

    services.customer_create(
        actor=None,
        name="Bergström Bygg AB",
        customer_tenant_id="e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05",
    )
    text = (
        "tenant id,name,customer,client\n"
        "e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05,Bergström Bygg AB,Bergström Bygg AB,isv_demo_prod\n"
    )
    plan = csv_import.read(text.encode())
    assert "customer tenant id" in plan.error_rows[0].problems[0]


def test_wrong_columns_are_explained(demo_clients):
    plan = csv_import.read(b"id,title,owner\n1,2,3\n")
    assert not plan.importable
    assert "Missing: tenant id, name, customer, client" in plan.problems[0]
    assert "“id”, “title”, “owner”" in plan.problems[0]


def test_a_row_with_the_wrong_number_of_values_is_explained(demo_clients):
    plan = csv_import.read(b"tenant id,name,customer,client\nabc,def\n")
    assert "Line 2 has 2 values; the header has 4" in plan.problems[0]


def test_bom_blank_lines_semicolons_and_crlf_are_fine(demo_clients):
    body = GOOD.replace(",", ";").replace("\n", "\r\n\r\n")
    plan = csv_import.read(codecs.BOM_UTF8 + body.encode())
    assert plan.importable, plan.problems + [p for r in plan.rows for p in r.problems]
    assert len(plan.new_rows) == 2
    assert plan.rows[0].tenant_id == "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11"


def test_utf16_with_a_bom_is_read(demo_clients):
    plan = csv_import.read(GOOD.replace(",", "\t").encode("utf-16"))
    assert plan.importable
    assert plan.rows[1].name == "Solberga Trävaror AB"


def test_another_encoding_gets_a_clear_message(demo_clients):
    plan = csv_import.read(GOOD.encode("cp1252"))
    assert not plan.importable
    assert "not UTF-8" in plan.problems[0]
    assert "line 3" in plan.problems[0]


def test_ten_megabytes_of_junk_are_refused_before_parsing(demo_clients):
    plan = csv_import.read(b"\xff\x00junk" * (10 * 1024 * 1024 // 6))
    assert not plan.importable
    assert "the limit is 1 MB" in plan.problems[0]


def test_binary_junk_is_not_a_csv(demo_clients):
    plan = csv_import.read(b"PK\x03\x04\x00\x00binary")
    assert "not a text file" in plan.problems[0]


def test_an_empty_file_and_a_header_only_file(demo_clients):
    assert "empty" in csv_import.read(b"  \n").problems[0]
    assert "no tenants" in csv_import.read(b"tenant id,name,customer,client\n").problems[0]


def test_an_unclosed_quote_is_explained(demo_clients):
    plan = csv_import.read(b'tenant id,name,customer,client\n"5d1f,Nordlys,Nordlys,isv_demo_prod\n')
    assert "Check its quotes" in plan.problems[0]
    assert not plan.importable


def test_a_failure_halfway_rolls_everything_back(demo_clients, monkeypatch):
    """If the database refuses a row after others were written, none of them stay."""
    from tenants import services

    calls = {"n": 0}
    real_sync = services.sync_metering

    def failing_sync(tenant):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        real_sync(tenant)

    monkeypatch.setattr(services, "sync_metering", failing_sync)  # the import onboards through it
    with pytest.raises(RuntimeError):
        _import(GOOD)
    assert Tenant.objects.count() == 0
    assert Customer.objects.count() == 0
    assert not AuditEvent.objects.filter(action="tenant.created").exists()
