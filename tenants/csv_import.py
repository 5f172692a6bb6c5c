"""Bulk import of tenants from a CSV: read and check every row, then import all or nothing.

The file is the list an ISV copies out of the Developer Portal: tenant id, name, customer, client
(any order; a header row is required; comma, semicolon or tab separated; UTF-8 with or without a
BOM, or UTF-16 with a BOM). ``read`` never writes; ``tenants_import`` re-reads the same text and
writes only when every row is good. Rows that are already registered exactly so are left alone, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from portal import audit

from . import services
from .models import ApiClient, Customer, Tenant
from .services import MAX_NAME, customers_by_name
from .validators import normalize_tenant_id

MAX_BYTES = 1024 * 1024
MAX_ROWS = 10_000

# Accepted header spellings, compared without case, spaces, dashes or underscores.
COLUMNS = {
    "tenant_id": ("tenantid", "companytenantid", "tenant", "tenantguid"),
    "name": ("name", "companyname", "company", "tenantname"),
    "customer": ("customer", "customername", "contract"),
    "client": ("client", "clientid", "apiclient", "apiclientid", "application"),
}
COLUMN_LABELS = {
    "tenant_id": "tenant id",
    "name": "name",
    "customer": "customer",
    "client": "client",
}


@dataclass
class Row:
    line: int
    tenant_id: str
    name: str
    customer: str
    client: str
    problems: list[str] = field(default_factory=list)
    # The customer's name when importing this row creates that customer.
    new_customer: str = ""
    unchanged: bool = False
    api_client: ApiClient | None = None

    @property
    def state(self) -> str:
        if self.problems:
            return "error"
        return "unchanged" if self.unchanged else "new"


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.problems]

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if row.state == "new"]

    @property
    def unchanged_rows(self) -> list[Row]:
        return [row for row in self.rows if row.state == "unchanged"]

    @property
    def importable(self) -> bool:
        return not self.problems and not self.error_rows and bool(self.new_rows)

    @property
    def new_customers(self) -> list[str]:
        return sorted({row.new_customer for row in self.new_rows if row.new_customer})


# --- reading the bytes ----------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text, or ValidationError saying plainly why it cannot be read."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB (about {MAX_ROWS:,} tenants). Split it into smaller "
            "files."
        )
    if not data.strip():
        raise ValidationError("The file is empty.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file says it is UTF-16 but cannot be read as such."
            ) from None
    if b"\x00" in data:
        raise ValidationError(
            "This is not a text file (it contains binary data). Export the list as CSV."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            f"The file is not UTF-8 text: line {line} has a byte (0x{data[error.start]:02x}) "
            "that UTF-8 does not allow, so it was probably saved in another encoding. Save it "
            "as “CSV UTF-8” (Excel) or as UTF-8, and upload it again."
        ) from None


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _column_key(title: str) -> str | None:
    compact = "".join(ch for ch in title.lower() if ch.isalnum())
    for key, spellings in COLUMNS.items():
        if compact in spellings:
            return key
    return None


def _records(text: str, plan: Plan) -> list[tuple[int, list[str]]] | None:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are fine
            records.append((reader.line_num, cells))
            if len(records) > MAX_ROWS + 1:
                plan.problems.append(
                    f"The file has more than {MAX_ROWS:,} tenants; split it into smaller files."
                )
                return None
    except csv.Error as error:
        plan.problems.append(
            f"Line {reader.line_num} cannot be read as CSV ({error}). Check its quotes."
        )
        return None
    return records


def _header(cells: list[str], plan: Plan) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(cells):
        key = _column_key(title)
        if key is None:
            if title.strip():
                ignored.append(title.strip())
            continue
        if key in positions:
            plan.problems.append(
                f"The header names the {COLUMN_LABELS[key]} column twice "
                f"(“{cells[positions[key]].strip()}” and “{title.strip()}”)."
            )
            return None
        positions[key] = index
    missing = [COLUMN_LABELS[key] for key in COLUMNS if key not in positions]
    if missing:
        found = ", ".join(f"“{c.strip()}”" for c in cells if c.strip()) or "nothing"
        plan.problems.append(
            "The first row must name the columns tenant id, name, customer and client (in any "
            f"order). Missing: {', '.join(missing)}. The first row has: {found}."
        )
        return None
    if ignored:
        plan.notes.append(f"Columns ignored: {', '.join(ignored)}.")
    return positions


# --- checking the rows ------------------------------------------------------------------------


def _client_lookup() -> dict[str, ApiClient]:
    lookup: dict[str, ApiClient] = {}
    for api_client in ApiClient.objects.all():
        lookup[api_client.client_id.lower()] = api_client
        lookup.setdefault(api_client.name.lower(), api_client)
    return lookup


def _check_rows(rows: list[Row]) -> None:
    clients = _client_lookup()
    known_clients = ", ".join(sorted({c.client_id for c in clients.values()})) or "none yet"
    customers = customers_by_name([row.customer for row in rows if row.customer])
    contracts = {
        c.customer_tenant_id: c
        for c in Customer.objects.exclude(customer_tenant_id="").only("name", "customer_tenant_id")
    }
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        try:
            row.tenant_id = normalize_tenant_id(row.tenant_id)
        except ValidationError as error:
            row.problems.append(error.messages[0])
        if not row.name:
            row.problems.append("The name is empty.")
        elif len(row.name) > MAX_NAME:
            row.problems.append(f"The name is longer than {MAX_NAME} characters.")
        if not row.customer:
            row.problems.append("The customer is empty.")
        elif len(row.customer) > MAX_NAME:
            row.problems.append(f"The customer is longer than {MAX_NAME} characters.")
        elif row.customer.lower() not in customers:
            row.new_customer = row.customer
        row.api_client = clients.get(row.client.lower()) if row.client else None
        if not row.client:
            row.problems.append("The client is empty.")
        elif row.api_client is None:
            row.problems.append(f"No API client “{row.client}”. Known: {known_clients}.")
        else:
            # Onboarding's own rules; a tenant already registered is compared below instead
            # (registered exactly so, the row is left alone).
            row.problems.extend(
                message
                for _, message in services.new_tenant_problems(
                    row.tenant_id,
                    api_client=row.api_client,
                    registered=None,
                    contract=contracts.get(row.tenant_id),
                )
            )
        if row.api_client is not None and not row.problems:
            key = (row.api_client.pk, row.tenant_id)
            if key in seen:
                row.problems.append(f"Line {seen[key]} already has this tenant for this client.")
            else:
                seen[key] = row.line
    _compare_with_registered(rows, customers)


def _compare_with_registered(rows: list[Row], customers: dict[str, Customer]) -> None:
    candidates = [row for row in rows if row.api_client is not None and not row.problems]
    existing = {
        (tenant.api_client_id, tenant.tenant_id): tenant
        for tenant in Tenant.objects.select_related("customer").filter(
            tenant_id__in=[row.tenant_id for row in candidates]
        )
    }
    for row in candidates:
        assert row.api_client is not None
        tenant = existing.get((row.api_client.pk, row.tenant_id))
        if tenant is None:
            continue
        if tenant.name == row.name and tenant.customer.name.lower() == row.customer.lower():
            row.unchanged = True
            row.new_customer = ""
        else:
            row.problems.append(
                f"Already registered on {row.api_client.name} as “{tenant.name}” (customer "
                f"{tenant.customer.name}). Change it on the tenant's page, or make this line match."
            )


def read(data: bytes) -> Plan:
    """Read and check a CSV file; writes nothing."""
    plan = Plan()
    try:
        plan.text = decode(data)
    except ValidationError as error:
        plan.problems.extend(error.messages)
        return plan
    return read_text(plan.text)


def read_text(text: str) -> Plan:
    plan = Plan(text=text)
    if len(text.encode("utf-8")) > MAX_BYTES * 2:
        plan.problems.append("The import is too large.")
        return plan
    records = _records(text, plan)
    if records is None:
        return plan
    if not records:
        plan.problems.append("The file has no rows.")
        return plan
    _, header_cells = records[0]
    positions = _header(header_cells, plan)
    if positions is None:
        return plan
    width = len(header_cells)
    for line, cells in records[1:]:
        if len(cells) != width:
            plan.problems.append(
                f"Line {line} has {len(cells)} values; the header has {width}. "
                "Check for a missing or extra separator."
            )
            continue
        plan.rows.append(Row(line=line, **{k: cells[i].strip() for k, i in positions.items()}))
    if not plan.rows and not plan.problems:
        plan.problems.append("The file has a header but no tenants.")
    if plan.problems:
        return plan
    _check_rows(plan.rows)
    return plan


# --- importing ---------------------------------------------------------------------------------


def tenants_import(*, actor, text: str) -> list[Tenant]:
    """Import every new row of ``text`` or nothing. Re-checks everything: a preview is advice.

    Each row is registered by the same services as the "Add a tenant" form
    (``services.customer_create``, ``services.tenant_onboard``), all in one transaction, so every
    onboarding rule holds here too and a row they refuse leaves nothing behind.
    """
    with transaction.atomic():
        plan = read_text(text)
        if plan.problems or plan.error_rows:
            count = len(plan.problems) + len(plan.error_rows)
            raise ValidationError(
                f"Nothing was imported: the file has {count} problem(s). Fix them and try again."
            )
        if not plan.new_rows:
            raise ValidationError(
                "Nothing to import: every tenant in the file is already registered as it says."
            )
        customers = customers_by_name([row.customer for row in plan.new_rows])
        created: list[Tenant] = []
        for row in plan.new_rows:
            assert row.api_client is not None
            try:
                customer = customers.get(row.customer.lower())
                if customer is None:
                    customer = services.customer_create(
                        actor=actor, name=row.customer, source="csv import"
                    )
                    customers[row.customer.lower()] = customer
                tenant = services.tenant_onboard(
                    actor=actor,
                    tenant_id=row.tenant_id,
                    name=row.name,
                    api_client=row.api_client,
                    customer=customer,
                    source=f"csv import, line {row.line}",
                )
            except ValidationError as error:
                raise ValidationError(
                    f"Nothing was imported: line {row.line}: {' '.join(error.messages)}"
                ) from None
            created.append(tenant)
        audit.record(
            actor=actor,
            action="tenants.imported",
            target_type="tenants.tenant",
            target_label=f"{len(created)} tenant(s) from a CSV file",
            details={"created": len(created), "unchanged": len(plan.unchanged_rows)},
        )
    return created
