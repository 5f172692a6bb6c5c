"""The catalogue: one entry per kind of ERP error a person can meet in the portal.

Wording follows the seed articles and the facts files (VAT "TaxID cannot be found", manual
numbering and ``overrideNumberSeries`` in number series CS201010, 12027 with its three causes,
12002, the customer tenant id, the SalesOrders v3 409/412/428, the hourly limits and 429, the
Background API's 403/404/410). The v3 validation codes are in ``v3_codes``; ``explain`` picks the
entry for an error. Texts may name ``{company}``, ``{isv}``, ``{value}`` (what the ERP named, e.g.
a VAT id), ``{code}`` and ``{detail}`` (the ERP's own words); missing names are left out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from . import screens as s
from .owners import Owner
from .screens import Screen
from .v3_codes import V3_CODES, CodeGuide


class Link(enum.StrEnum):
    """A page of the portal (or Visma's status page) that helps; the web layer makes the URL."""

    TENANT_ISSUE = "tenant_issue"  # the tenant's health issue of the entry's ``issue_kind``
    TENANT_PAGE = "tenant_page"
    USAGE_PAGE = "usage_page"  # the company's usage page
    STATUS_PAGE = "status_page"  # status.visma.com


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    title: str
    meaning: str
    owner: Owner
    actions: tuple[str, ...]
    screens: tuple[Screen, ...] = ()
    customer_message: str | None = None
    links: tuple[Link, ...] = ()
    issue_kind: str | None = None  # the tenants app's health-issue kind for the same problem
    short: str | None = None  # the few words shown beside a form field
    code: str | None = None  # the ERP's code, shown beside the words


def _ask_customer(what: str, ask: str) -> str:
    return (
        "Hello,\n\n"
        f"When we sent {what} to Visma.net ERP for {{company}}, the ERP refused it: "
        "{detail} ({code}).\n\n"
        f"Could you {ask}? We will send it again as soon as you tell us it is done.\n\n"
        "Kind regards,\n{isv}"
    )


_NO_LICENSE_MESSAGE = (
    "Hello,\n\n"
    'Visma.net ERP answers "No license for this company" (12027) when {isv} connects to '
    "{company}. There are three known causes; could you check them in this order?\n\n"
    '1. In Visma.net Admin, the API user needs the role "API User" for this company.\n'
    "2. In the Visma App Store, the app must be approved with the company's tenant id, not the "
    "customer (contract) tenant id.\n"
    "3. The Visma.net Financials licence may have expired; Visma can confirm.\n\n"
    "Kind regards,\n{isv}"
)

_ENTRIES: tuple[Entry, ...] = (
    # --- the seed's troubleshooting articles ---------------------------------------------------
    Entry(
        "vat_id_not_found",
        "VAT id {value} cannot be found for this document",
        "The ERP chooses a line's VAT id where the VAT zone of the customer or supplier and the "
        "VAT category of the item meet. No VAT id {value} exists where they meet, or a VAT id was "
        "sent that does not fit the zone, the category or the kind of document.",
        Owner.CUSTOMER_ADMIN,
        (
            "Find the VAT zone of the customer (Customers AR303000, Delivery settings tab) or "
            "of the supplier (Suppliers AP303000, Purchase settings tab).",
            "Open that zone in VAT zones (TX2060PL) and note the VAT ids it has.",
            "Find the VAT category of the item (Stock items IN202500 or Non-stock items "
            "IN202000, General information tab) and open it in VAT categories (TX2055PL): it "
            "must have the right VAT type for this document and list the VAT ids it allows.",
            "The VAT id used is the one present in both the zone and the category. If none is, "
            "the customer's accountant adds it; if we sent a VAT id, leave it out so the ERP "
            "chooses.",
        ),
        (
            s.CUSTOMERS.on_tab("Delivery settings"),
            s.SUPPLIERS.on_tab("Purchase settings"),
            s.VAT_ZONES,
            s.STOCK_ITEMS.on_tab("General information"),
            s.NON_STOCK_ITEMS.on_tab("General information"),
            s.VAT_CATEGORIES,
        ),
        "Hello,\n\n"
        "Visma.net ERP for {company} refused a document from {isv} with \"TaxID '{value}' cannot "
        'be found in the system". The ERP picks the VAT id where the VAT zone of the customer '
        "(or supplier) and the VAT category of the item meet.\n\n"
        "Could you ask your accountant to check that the VAT zone of the customer or supplier and "
        "the VAT category of the item share a VAT id (VAT zones TX2060PL, VAT categories "
        "TX2055PL)? We will send the document again when it is fixed.\n\n"
        "Kind regards,\n{isv}",
    ),
    Entry(
        "manual_numbering_refused",
        "The ERP does not accept our own number for this document",
        "We sent our own document number, but the number series behind this document type does "
        "not allow manual numbers from imports.",
        Owner.CUSTOMER_ADMIN,
        (
            "Either leave the number empty so the ERP numbers the document itself,",
            'or ask the customer to turn on "Allow manual numbering on imports" on the number '
            "series the document type uses (Number series CS201010).",
        ),
        (s.NUMBER_SERIES, s.ORDER_TYPES),
        "Hello,\n\n"
        "{isv} sends documents to Visma.net ERP for {company} with their own numbers, so that a "
        "document is never created twice. The ERP refuses that today because the number series "
        "does not allow manual numbers.\n\n"
        'Could you turn on "Allow manual numbering on imports" on that number series (Number '
        "series, CS201010)? The automatic numbering of your own documents is not affected.\n\n"
        "Kind regards,\n{isv}",
    ),
    Entry(
        "override_number_series_refused",
        "The ERP refused overrideNumberSeries",
        'The document was sent with "overrideNumberSeries" and its own reference number, which '
        "works only where the number series allows manual numbering on imports.",
        Owner.CUSTOMER_ADMIN,
        (
            "Send the document without overrideNumberSeries and referenceNumber, or",
            'ask the customer to turn on "Allow manual numbering on imports" on the number '
            "series (Number series CS201010); the automatic sequence is not broken by it.",
        ),
        (s.NUMBER_SERIES,),
        "Hello,\n\n"
        "{isv} sends documents to Visma.net ERP for {company} with a number of our own "
        "(overrideNumberSeries). The ERP refuses that because the number series does not allow "
        "manual numbering on imports.\n\n"
        'Could you turn on "Allow manual numbering on imports" on the number series (Number '
        "series, CS201010)? Your automatic numbering continues without gaps.\n\n"
        "Kind regards,\n{isv}",
    ),
    # --- tenant-level problems (each is also a health issue of the tenant) ----------------------
    Entry(
        "no_license",
        "No license for this company (12027)",
        "Visma.net ERP refuses every call for this company with fault 12027. The known causes, "
        'in the order to check them: the API user lacks the "API User" role; the app was '
        "approved with the customer (contract) tenant id instead of the company's; the "
        "Visma.net Financials licence has expired.",
        Owner.CUSTOMER_ADMIN,
        (
            'Customer administrator: give the API user the role "API User" for this company '
            "in Visma.net Admin.",
            "Customer integration administrator: approve the app in the Visma App Store with the "
            "company's tenant id.",
            "Visma: confirm the Financials licence has not expired.",
        ),
        (s.VISMA_NET_ADMIN_USERS, s.APP_STORE),
        _NO_LICENSE_MESSAGE,
        (Link.TENANT_ISSUE,),
        issue_kind="no_license",
        code="12027",
    ),
    Entry(
        "company_context",
        "Company context refused (12002)",
        "The ERP did not accept the company the call named (the ipp-company-id): it is not set, "
        "or the API user is not authorised for that company.",
        Owner.ISV,
        (
            "Open the tenant and run Check now: the check reads the company from the context "
            "endpoint again.",
            "If it stays, the company the tenant id leads to is not the one on record.",
        ),
        links=(Link.TENANT_ISSUE,),
        issue_kind="company_context",
        code="12002",
    ),
    Entry(
        "invalid_tenant",
        "Visma Connect refused the tenant (invalid_tenant)",
        "Visma Connect would not issue a token for this company: the app is not approved for "
        'it in the Visma App Store, or the API user lacks the "API User" role.',
        Owner.CUSTOMER_INTEGRATION_ADMIN,
        (
            "Open the tenant's health issue: it says which of the two causes the ERP named and "
            "has the message to send to the customer.",
        ),
        (s.APP_STORE, s.VISMA_NET_ADMIN_USERS),
        links=(Link.TENANT_ISSUE,),
        issue_kind="invalid_tenant",
    ),
    Entry(
        "invalid_client",
        "Visma Connect refused the client id or secret (invalid_client)",
        "The API client's id is unknown to Visma Connect or its secret is wrong.",
        Owner.ISV,
        (
            "An admin checks the client in the Visma Developer Portal and enters its current "
            "secret under API clients.",
        ),
        (s.DEVELOPER_PORTAL,),
        links=(Link.TENANT_ISSUE,),
        issue_kind="invalid_client",
    ),
    Entry(
        "customer_tenant_id",
        "A customer tenant id is used where the company's is needed (401)",
        "Visma Connect issued a token, but the ERP answers 401: the tenant id registered is the "
        "customer's (contract) tenant id, not the company's.",
        Owner.CUSTOMER_ADMIN,
        (
            "Ask the customer for the company tenant id (Visma.net Admin, Company, Edit, "
            "Configuration, Tenant id) and register the tenant again with it.",
        ),
        (s.VISMA_NET_ADMIN_COMPANY,),
        links=(Link.TENANT_ISSUE,),
        issue_kind="customer_tenant_id",
    ),
    Entry(
        "scope_missing",
        "The token lacks a scope this call needs",
        "The API client was not granted the scope for this part of the ERP (for example the "
        "SalesOrders scopes), or the customer approved the app before the scope was added.",
        Owner.ISV,
        (
            "Add the scope to the client in the Visma Developer Portal; the customer then "
            "approves the app again in the Visma App Store.",
        ),
        (s.DEVELOPER_PORTAL, s.APP_STORE),
        links=(Link.TENANT_ISSUE,),
    ),
    # --- concurrency and numbering conflicts ----------------------------------------------------
    Entry(
        "order_number_taken",
        "An order with this number already exists (409)",
        "The ERP already has a sales order of this type with this number. If the portal sent "
        "this order before and its answer was lost, that is our order; otherwise the number is "
        "taken by another order.",
        Owner.ISV,
        (
            "Open the existing order to see whether it is the one you meant to create.",
            "If it is not, give the order another number and send again.",
        ),
        (s.SALES_ORDERS,),
        short="already used by another order",
    ),
    Entry(
        "conflict",
        "The ERP refused the change as a conflict (409)",
        "The document is in a state that conflicts with this change (for example it exists "
        "already).",
        Owner.ISV,
        ("Reload the document, check its state, and decide whether to try again.",),
    ),
    Entry(
        "not_found",
        "The ERP has no such document for this company (404)",
        "The ERP found nothing at this address for {company}: the number or id is wrong, the "
        "document type in the path is not the document's, or the document belongs to another "
        "company (each token sees one company).",
        Owner.ISV,
        (
            "Check the number and the document type (a list call with a filter finds it).",
            "If the customer says it exists, ask which company it is in.",
        ),
    ),
    Entry(
        "precondition_failed",
        "Someone changed the document since you opened it (412)",
        "The ERP compared the version you saw with the version it holds and they differ: "
        "another user or integration changed the document meanwhile. Nothing was overwritten.",
        Owner.ISV,
        ("Look at what changed, then apply your change to the latest version, or discard it.",),
    ),
    Entry(
        "precondition_required",
        "The ERP wants to know which version you are changing (428)",
        "This call must carry an If-Match header with the document's version (ETag); the "
        "SalesOrders v3 service requires it for changes and deletions.",
        Owner.ISV,
        ("Open the document first (that reads its version), then send the change again.",),
    ),
    # --- budget and throttling ------------------------------------------------------------------
    Entry(
        "rate_limited",
        "The ERP throttled the company (429)",
        "The API client has used up this company's hourly budget, or sent the same request too "
        "often. The ERP refuses calls until the time it gave has passed. {detail}",
        Owner.ISV,
        (
            "Wait until the time shown, then try again; the portal holds its own calls until then.",
            "On the company's usage page, see which calls used the budget.",
        ),
        links=(Link.USAGE_PAGE,),
        issue_kind="rate_limited",
    ),
    Entry(
        "repeated_request",
        "Not sent: the ERP punishes repeating this request",
        "The ERP answers 429, and counts it against the company, when the same request fails "
        "twice in five minutes or is sent five times in a minute, so the portal did not send it. "
        "{detail}",
        Owner.ISV,
        (
            "Try again once that time has passed.",
            "If the request failed before, change what made it fail first: sent unchanged, it "
            "fails again.",
        ),
        links=(Link.USAGE_PAGE,),
    ),
    Entry(
        "budget_held",
        "Held back to protect the company's hourly budget",
        "{detail}",
        Owner.ISV,
        ("Try again after the time above, or on the company's usage page see what used it.",),
        links=(Link.USAGE_PAGE,),
    ),
    # --- the Background API ---------------------------------------------------------------------
    Entry(
        "background_state_forbidden",
        "The background operation belongs to another company or client (403)",
        "The ERP lets only the same company and API client that queued a background operation "
        "read its state.",
        Owner.ISV,
        ("Read the state with the tenant and API client that sent the operation.",),
    ),
    Entry(
        "background_state_not_found",
        "The ERP does not know this background operation (404)",
        "No background operation with this id exists, or its state was removed after its "
        "retention (24 hours).",
        Owner.ISV,
        (
            "Open the document itself to learn what happened to it: the document is the truth, "
            "not the operation's state.",
        ),
    ),
    Entry(
        "background_content_missing",
        "The background operation has no stored answer (404)",
        "The operation finished without a response body, or has not finished yet.",
        Owner.ISV,
        ("Look at the operation's state; open the document to see its result.",),
    ),
    Entry(
        "background_content_gone",
        "The background operation's answer was removed (410)",
        "The ERP keeps a background operation's answer for 24 hours; this one is older.",
        Owner.ISV,
        ("Open the document itself to see its current state.",),
    ),
    # --- outages --------------------------------------------------------------------------------
    Entry(
        "erp_unavailable",
        "The ERP did not answer properly",
        "The ERP timed out, dropped the connection or failed on its side (5xx). {detail}",
        Owner.VISMA,
        (
            "Look at status.visma.com for an incident.",
            "A read can be tried again later. A change that got no answer may or may not have "
            "been carried out: open the document before sending it again.",
        ),
        links=(Link.STATUS_PAGE,),
        issue_kind="erp_unavailable",
    ),
    # --- anything else --------------------------------------------------------------------------
    Entry(
        "validation_failed",
        "The ERP refused the input (400)",
        "The ERP did not accept what was sent: {detail}",
        Owner.ISV,
        ("Correct the input the message names and send again.",),
    ),
    Entry(
        "unknown",
        "An ERP error that is not in the catalogue yet",
        "The ERP answered in a way the portal does not know how to explain yet. Its own words "
        "and the raw answer are below.",
        Owner.ISV,
        (
            "Read the ERP's answer below; if it repeats, tell the portal's developers so it can "
            "be added to the catalogue.",
        ),
    ),
)


def _code_entry(guide: CodeGuide) -> Entry:
    customer_message = _ask_customer("a sales order", guide.ask) if guide.ask is not None else None
    return Entry(
        f"v3:{guide.code}",
        guide.short[:1].upper() + guide.short[1:],
        guide.meaning,
        guide.owner,
        (guide.action,),
        guide.screens,
        customer_message,
        short=guide.short,
        code=guide.code,
    )


CATALOGUE: dict[str, Entry] = {
    **{entry.key: entry for entry in _ENTRIES},
    **{f"v3:{code}": _code_entry(guide) for code, guide in V3_CODES.items()},
}
