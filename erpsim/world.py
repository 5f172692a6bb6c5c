"""The demo world as plain constants, so the portal and the docs name the same clients and tenants.

Everything here is fixed text: tenant ids are literal GUIDs and secrets are documented sandbox
values, never real credentials. Generated documents come from ``erpsim.demo_documents`` with a
seed, on a fixed base date.
"""

from __future__ import annotations

from typing import Any

from erpsim.scenarios import Scenario

ERP_SERVICE_SCOPES = [
    "vismanet_erp_service_api:create",
    "vismanet_erp_service_api:delete",
    "vismanet_erp_service_api:read",
    "vismanet_erp_service_api:update",
]
SALESORDER_SCOPES = ["visma.net.erp.salesorder:read", "visma.net.erp.salesorder:write"]
ALL_SCOPES = ERP_SERVICE_SCOPES + SALESORDER_SCOPES

# Every scenario name, in the enum's order (kept for callers that want plain strings).
SCENARIOS = tuple(Scenario)

DEMO_CLIENTS: list[dict[str, Any]] = [
    {
        "client_id": "isv_demo_test",
        "client_secret": "sandbox-test-secret-3f9a1c",
        "type": "test",
        "scopes": list(ALL_SCOPES),
        "name": "Demo ISV integration (test client)",
        "webhook_url": None,
        "webhook_secret": "sandbox-webhook-key-test",
    },
    {
        "client_id": "isv_demo_prod",
        "client_secret": "sandbox-prod-secret-7b2e64",
        "type": "production",
        "scopes": list(ALL_SCOPES),
        "name": "Demo ISV integration (production client)",
        "webhook_url": None,
        "webhook_secret": "sandbox-webhook-key-prod",
    },
]

# The demo world's Webhook Dispatcher subscriptions (one per demo client, as the Developer Portal
# keeps them per application), registered when the sandbox starts with --events-url. Their key is
# a published demo value: the portal's demo seeder (webhooks/demo.py) registers the same one.
DEMO_EVENTS_SUBSCRIPTION_PREFIX = "demo-events-"
DEMO_EVENTS_KEY = "sandbox-demo-events-key-5c81d2e0"


def demo_events_subscription_id(client_id: str) -> str:
    return f"{DEMO_EVENTS_SUBSCRIPTION_PREFIX}{client_id}"


_BOTH = ["isv_demo_test", "isv_demo_prod"]

DEMO_TENANTS: list[dict[str, Any]] = [
    {
        "tenant_id": "5d1f3b0a-8c2e-4f6a-9b71-2e4c6a8d0f11",
        "company_id": 4712001,
        "name": "Nordlys Handel AS",
        "country": "NO",
        "scenario": Scenario.HEALTHY,
        "client_ids": list(_BOTH),
        "customer_name": "Nordlys Gruppen AS",
        "customer_tenant_id": "a0c4e2f1-3b5d-4c7e-8f90-1a2b3c4d5e01",
    },
    {
        "tenant_id": "6e2a4c1b-9d3f-4a7b-8c82-3f5d7b9e1a22",
        "company_id": 4712002,
        "name": "Solberga Trävaror AB",
        "country": "SE",
        "scenario": Scenario.HEALTHY,
        "client_ids": list(_BOTH),
        "customer_name": "Solberga Koncern AB",
        "customer_tenant_id": "b1d5f3a2-4c6e-4d8f-9a01-2b3c4d5e6f02",
    },
    {
        "tenant_id": "7f3b5d2c-0e4a-4b8c-9d93-4a6e8c0f2b33",
        "company_id": 4712003,
        "name": "Kvarnby Bageri AB",
        "country": "SE",
        "scenario": Scenario.NOT_APPROVED,
        "client_ids": [],
        "customer_name": "Kvarnby Bageri AB",
        "customer_tenant_id": "c2e6a4b3-5d7f-4e9a-8b12-3c4d5e6f7a03",
    },
    {
        "tenant_id": "804c6e3d-1f5b-4c9d-8ea4-5b7f9d1a3c44",
        "company_id": 4712004,
        "name": "Havgløtt Fiskeeksport AS",
        "country": "NO",
        "scenario": Scenario.MISSING_API_USER_ROLE,
        "client_ids": list(_BOTH),
        "customer_name": "Havgløtt Holding AS",
        "customer_tenant_id": "d3f7b5c4-6e8a-4fab-9c23-4d5e6f7a8b04",
    },
    {
        # The ISV was given the *customer* tenant id: Visma Connect accepts it, the ERP answers 401.
        "tenant_id": "e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05",
        "company_id": 4712005,
        "name": "Bergström Bygg AB",
        "country": "SE",
        "scenario": Scenario.CUSTOMER_TENANT,
        "client_ids": list(_BOTH),
        "customer_name": "Bergström Bygg AB",
        "customer_tenant_id": "e4a8c6d5-7f9b-4abc-8d34-5e6f7a8b9c05",
    },
    {
        "tenant_id": "915d7f4e-2a6c-4dae-9fb5-6c8a0e2b4d55",
        "company_id": 4712006,
        "name": "Järnviken Verkstad AB",
        "country": "SE",
        "scenario": Scenario.NO_LICENSE,
        "client_ids": list(_BOTH),
        "customer_name": "Järnviken Industri AB",
        "customer_tenant_id": "f5b9d7e6-8a0c-4bcd-9e45-6f7a8b9c0d06",
    },
    {
        "tenant_id": "a26e8a5f-3b7d-4ebf-8ac6-7d9b1f3c5e66",
        "company_id": 4712007,
        "name": "Saarinen Logistiikka Oy",
        "country": "FI",
        "scenario": Scenario.COMPANY_CONTEXT,
        "client_ids": list(_BOTH),
        "customer_name": "Saarinen Yhtiöt Oy",
        "customer_tenant_id": "06cae8f7-9b1d-4cde-8f56-7a8b9c0d1e07",
    },
    {
        "tenant_id": "b37f9b6a-4c8e-4fc0-9bd7-8eac2a4d6f77",
        "company_id": 4712008,
        "name": "Dalsnes Elektro AS",
        "country": "NO",
        "scenario": Scenario.SALESORDER_SCOPE_MISSING,
        "client_ids": list(_BOTH),
        "customer_name": "Dalsnes Elektro AS",
        "customer_tenant_id": "17dbf9a8-0c2e-4def-9a67-8b9c0d1e2f08",
    },
    {
        "tenant_id": "c48a0c7b-5d9f-4ad1-8ce8-9fbd3b5e7a88",
        "company_id": 4712009,
        "name": "Viken Kaffebrenneri AS",
        "country": "NO",
        "scenario": Scenario.NEAR_LIMIT,
        "client_ids": list(_BOTH),
        "customer_name": "Viken Kaffebrenneri AS",
        "customer_tenant_id": "28eca0b9-1d3f-4ef0-8b78-9c0d1e2f3a09",
    },
    {
        "tenant_id": "d59b1d8c-6eaa-4be2-9df9-0ace4c6f8b99",
        "company_id": 4712010,
        "name": "Lindqvist Möbler AB",
        "country": "SE",
        "scenario": Scenario.SLOW,
        "client_ids": list(_BOTH),
        "customer_name": "Lindqvist Möbler AB",
        "customer_tenant_id": "39fdb1ca-2e4a-4f01-9c89-0d1e2f3a4b10",
    },
    {
        "tenant_id": "e6ac2e9d-7fbb-4cf3-8e0a-1bdf5d7a9caa",
        "company_id": 4712011,
        "name": "Østerbro Cykler ApS",
        "country": "DK",
        "scenario": Scenario.FLAKY,
        "client_ids": list(_BOTH),
        "customer_name": "Østerbro Cykler ApS",
        "customer_tenant_id": "4a0ec2db-3f5b-4012-8d9a-1e2f3a4b5c11",
    },
]

COUNTRY_CURRENCY = {"NO": "NOK", "SE": "SEK", "DK": "DKK", "FI": "EUR"}
COUNTRY_VAT_RATE = {"NO": 25.0, "SE": 25.0, "DK": 25.0, "FI": 25.5}

# Suppliers shared by every demo company. Keep the order: the seeded invoices pick from this list.
# 50010 is inactive (SO-v3 1903-SupplierNotFound: "Supplier not found or is not active").
DEMO_SUPPLIERS: list[dict[str, str]] = [
    {"number": number, "name": name, "country": country, "status": status}
    for number, name, country, status in (
        ("50001", "Fjordkraft Energi AS", "NO", "Active"),
        ("50002", "Telenor Norge AS", "NO", "Active"),
        ("50003", "Bring Cargo AS", "NO", "Active"),
        ("50004", "Posten Logistik AB", "SE", "Active"),
        ("50005", "Ahlsell Sverige AB", "SE", "Active"),
        ("50006", "Beijer Byggmaterial AB", "SE", "Active"),
        ("50007", "Würth Danmark A/S", "DK", "Active"),
        ("50008", "Dansk Emballage A/S", "DK", "Active"),
        ("50009", "Kesko Oyj", "FI", "Active"),
        ("50010", "Lassila & Tikanoja Oyj", "FI", "Inactive"),
        ("50011", "Staples Kontor AS", "NO", "Active"),
        ("50012", "Elektroskandia AB", "SE", "Active"),
        ("50013", "Schenker AS", "NO", "Active"),
        ("50014", "Moelven Industrier ASA", "NO", "Active"),
        ("50015", "Nordic Office Supplies ApS", "DK", "Active"),
    )
]


def _customer(
    customer_id: str,
    name: str,
    country: str,
    locations: list[tuple[str, str, str, str, str]],
    *,
    status: str = "Active",
    currency_override: bool = False,
) -> dict[str, Any]:
    """A customer; each location is (id, name, street, postal code, city)."""
    return {
        "id": customer_id,
        "name": name,
        "country": country,
        "status": status,
        "currency_override": currency_override,
        "locations": [
            dict(zip(("id", "name", "line1", "postal_code", "city"), loc, strict=True))
            for loc in locations
        ],
    }


# Customers for SalesOrders v3. The currency is the country's (COUNTRY_CURRENCY), so a company sees
# customers in its own and in other currencies. ``currency_override``: whether an order may be in
# another currency (else SO-v3 1408-OverrideCurrencyIdProhibited). The first location is the
# default; several customers have more delivery locations. Keep the order: seeded orders pick
# from the active ones.
DEMO_CUSTOMERS: list[dict[str, Any]] = [
    _customer(
        "10000",
        "Bergen Sportsbutikk AS",
        "NO",
        [
            ("MAIN", "Butikk sentrum", "Strandgaten 12", "5013", "Bergen"),
            ("LAGER", "Lager Åsane", "Åsane senter 1", "5116", "Ulset"),
        ],
    ),
    _customer(
        "10001",
        "Oslo Kontorservice AS",
        "NO",
        [("MAIN", "Hovedkontor", "Karl Johans gate 5", "0154", "Oslo")],
    ),
    _customer(
        "10002",
        "Trondheim Byggvare AS",
        "NO",
        [
            ("MAIN", "Hovedlager", "Kjøpmannsgata 20", "7013", "Trondheim"),
            ("LADE", "Byggeplass Lade", "Haakon VIIs gate 2", "7041", "Trondheim"),
            ("TILLER", "Byggeplass Tiller", "Tillerbyen 1", "7092", "Tiller"),
        ],
    ),
    _customer(
        "10003",
        "Stavanger Marine AS",
        "NO",
        [
            ("MAIN", "Kontor", "Strandkaien 30", "4005", "Stavanger"),
            ("KAI", "Risavika kai", "Risavika havnering 14", "4056", "Tananger"),
        ],
    ),
    _customer(
        "10004",
        "Göteborgs Järnhandel AB",
        "SE",
        [
            ("MAIN", "Butik", "Kungsgatan 1", "411 19", "Göteborg"),
            ("HISINGEN", "Lager Hisingen", "Lundbyleden 8", "417 07", "Göteborg"),
        ],
        currency_override=True,
    ),
    _customer(
        "10005",
        "Malmö Café & Konditori AB",
        "SE",
        [("MAIN", "Café", "Södergatan 3", "211 34", "Malmö")],
    ),
    _customer(
        "10006",
        "Uppsala Elektronik AB",
        "SE",
        [("MAIN", "Butik", "Kungsgatan 40", "753 21", "Uppsala")],
    ),
    _customer(
        "10007",
        "Aarhus Cykelværksted ApS",
        "DK",
        [
            ("MAIN", "Butik", "Mejlgade 10", "8000", "Aarhus C"),
            ("VAERKSTED", "Værksted", "Værkstedvej 4", "8200", "Aarhus N"),
        ],
    ),
    _customer(
        "10008",
        "Odense Blomster ApS",
        "DK",
        [("MAIN", "Butik", "Vestergade 22", "5000", "Odense C")],
    ),
    _customer(
        "10009",
        "Tampereen Rauta Oy",
        "FI",
        [("MAIN", "Myymälä", "Hämeenkatu 9", "33100", "Tampere")],
    ),
    _customer(
        "10010",
        "Turun Kahvipaahtimo Oy",
        "FI",
        [("MAIN", "Paahtimo", "Linnankatu 31", "20100", "Turku")],
    ),
    _customer(
        "10011",
        "Tromsø Fiskeutstyr AS",
        "NO",
        [("MAIN", "Butikk", "Storgata 50", "9008", "Tromsø")],
    ),
    _customer(
        "10012", "Luleå Verktyg AB", "SE", [("MAIN", "Butik", "Storgatan 15", "972 31", "Luleå")]
    ),
    _customer(
        "10013",
        "Kristiansand Interiør AS",
        "NO",
        [
            ("MAIN", "Butikk", "Markens gate 18", "4611", "Kristiansand"),
            ("SORLANDS", "Sørlandssenteret", "Barstølveien 31", "4636", "Kristiansand"),
        ],
        currency_override=True,
    ),
    _customer(
        "10014",
        "Nedlagt Handel AS",
        "NO",
        [("MAIN", "Tidligere butikk", "Gamleveien 1", "3015", "Drammen")],
        status="Inactive",
    ),
]

# Inventory for SalesOrders v3. ``default_po_source`` is the item's default replenishment source
# (IN204500): lines without ``purchaseOrderSource`` inherit it and are marked for PO.
DEMO_INVENTORY: list[dict[str, Any]] = [
    {
        "inventory_id": "STOCKITEM1",
        "description": "Kontorstol Ergo",
        "base_unit": "PCS",
        "price": 1890.0,
        "cost": 1100.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50011",
    },
    {
        "inventory_id": "STOCKITEM2",
        "description": "Skrivebord hev/senk 160 cm",
        "base_unit": "PCS",
        "price": 5490.0,
        "cost": 3300.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50011",
    },
    {
        "inventory_id": "PAPER-A4",
        "description": "Kopipapir A4 80 g (5 x 500 ark)",
        "base_unit": "BOX",
        "price": 289.0,
        "cost": 160.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50015",
    },
    {
        "inventory_id": "COFFEE-1KG",
        "description": "Kaffebønner mellombrent 1 kg",
        "base_unit": "KG",
        "price": 249.0,
        "cost": 120.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50009",
    },
    {
        "inventory_id": "CABLE-CAT6",
        "description": "Nettverkskabel Cat6 305 m",
        "base_unit": "ROLL",
        "price": 1590.0,
        "cost": 900.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50012",
    },
    {
        "inventory_id": "DRILL-18V",
        "description": "Drill 18 V med 2 batterier",
        "base_unit": "PCS",
        "price": 2290.0,
        "cost": 1400.0,
        "stock_item": True,
        "default_po_source": None,
        "preferred_supplier": "50005",
    },
    {
        "inventory_id": "BIKE-CITY",
        "description": "Bysykkel 7 gir",
        "base_unit": "PCS",
        "price": 6990.0,
        "cost": 4200.0,
        "stock_item": True,
        "default_po_source": "dropShip",
        "preferred_supplier": "50007",
    },
    {
        "inventory_id": "SOFA-3SEAT",
        "description": "Sofa 3-seter, stoff",
        "base_unit": "PCS",
        "price": 12990.0,
        "cost": 7800.0,
        "stock_item": True,
        "default_po_source": "dropShip",
        "preferred_supplier": "50014",
    },
    {
        "inventory_id": "KITCHEN-CUSTOM",
        "description": "Kjøkkeninnredning etter mål",
        "base_unit": "SET",
        "price": 89000.0,
        "cost": 56000.0,
        "stock_item": True,
        "default_po_source": "purchaseToOrder",
        "preferred_supplier": "50006",
    },
    {
        "inventory_id": "SIGN-ENGRAVED",
        "description": "Gravert skilt etter bestilling",
        "base_unit": "PCS",
        "price": 790.0,
        "cost": 350.0,
        "stock_item": True,
        "default_po_source": "purchaseToOrder",
        "preferred_supplier": "50008",
    },
    {
        "inventory_id": "SERVICE-HOUR",
        "description": "Servicetime tekniker",
        "base_unit": "HOUR",
        "price": 1150.0,
        "cost": 600.0,
        "stock_item": False,
        "default_po_source": None,
        "preferred_supplier": None,
    },
    {
        "inventory_id": "FREIGHT",
        "description": "Frakt",
        "base_unit": "PCS",
        "price": 250.0,
        "cost": 180.0,
        "stock_item": False,
        "default_po_source": None,
        "preferred_supplier": "50003",
    },
]

DEMO_WAREHOUSES: list[tuple[str, str]] = [("MAIN", "Hovedlager"), ("EXTERNAL", "Eksternt lager")]

# Order types the demo companies offer (Financials SalesOrderTypeDto) and their numbering series
# (NumberingDto): ``SO`` lets the caller give its own order number, ``QT`` numbers itself. The
# numbering series of a type carries the type's id (a sandbox convention, see docs/sandbox.md).
ORDER_TYPES: dict[str, dict[str, Any]] = {
    "SO": {
        "description": "Sales order",
        "behavior": "SalesOrder",
        "customer_document_type": "Invoice",
        "manual_numbering": True,
    },
    "QT": {
        "description": "Quote",
        "behavior": "Quote",
        "customer_document_type": "NoUpdate",
        "manual_numbering": False,
    },
}

UNITS = ("PCS", "BOX", "KG", "ROLL", "SET", "HOUR", "M")

# The chart of accounts of every demo company (GL202500): number -> (description, type, active).
# Any active account can take a prebooking; 6999 is closed for posting.
ACCOUNTS: dict[str, tuple[str, str, bool]] = {
    "1920": ("Bankinnskudd", "Asset", True),
    "2400": ("Leverandørgjeld", "Liability", True),
    "2990": ("Annen kortsiktig gjeld (forhåndsbokført)", "Liability", True),
    "3000": ("Salgsinntekt", "Income", True),
    "4300": ("Innkjøp varer for videresalg", "Expense", True),
    "6300": ("Leie lokaler", "Expense", True),
    "6540": ("Inventar", "Expense", True),
    "6800": ("Kontorrekvisita", "Expense", True),
    "6900": ("Telefon og internett", "Expense", True),
    "6999": ("Gammel kostnadskonto (stengt)", "Expense", False),
    "7100": ("Bilgodtgjørelse", "Expense", True),
    "7140": ("Reisekostnad", "Expense", True),
}

# Subaccount segments (CS203000): id -> (description, {value: value description}). A subaccount
# is one value per segment ("100-10"); a segment left out takes its "0" value.
SUBACCOUNT_SEGMENTS: dict[int, tuple[str, dict[str, str]]] = {
    1: ("Avdeling", {"0": "Felles", "100": "Salg", "200": "Innkjøp", "300": "Administrasjon"}),
    2: ("Prosjekt", {"0": "Ingen", "10": "Nord", "20": "Sør"}),
}
