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

# Suppliers shared by every demo company: (number, name, country).
DEMO_SUPPLIERS: list[tuple[str, str, str]] = [
    ("50001", "Fjordkraft Energi AS", "NO"),
    ("50002", "Telenor Norge AS", "NO"),
    ("50003", "Bring Cargo AS", "NO"),
    ("50004", "Posten Logistik AB", "SE"),
    ("50005", "Ahlsell Sverige AB", "SE"),
    ("50006", "Beijer Byggmaterial AB", "SE"),
    ("50007", "Würth Danmark A/S", "DK"),
    ("50008", "Dansk Emballage A/S", "DK"),
    ("50009", "Kesko Oyj", "FI"),
    ("50010", "Lassila & Tikanoja Oyj", "FI"),
    ("50011", "Staples Kontor AS", "NO"),
    ("50012", "Elektroskandia AB", "SE"),
    ("50013", "Schenker AS", "NO"),
    ("50014", "Moelven Industrier ASA", "NO"),
    ("50015", "Nordic Office Supplies ApS", "DK"),
]

# Customers for SalesOrders v3: (id, name, country, status).
DEMO_CUSTOMERS: list[tuple[str, str, str, str]] = [
    ("10000", "Bergen Sportsbutikk AS", "NO", "Active"),
    ("10001", "Oslo Kontorservice AS", "NO", "Active"),
    ("10002", "Trondheim Byggvare AS", "NO", "Active"),
    ("10003", "Stavanger Marine AS", "NO", "Active"),
    ("10004", "Göteborgs Järnhandel AB", "SE", "Active"),
    ("10005", "Malmö Café & Konditori AB", "SE", "Active"),
    ("10006", "Uppsala Elektronik AB", "SE", "Active"),
    ("10007", "Aarhus Cykelværksted ApS", "DK", "Active"),
    ("10008", "Odense Blomster ApS", "DK", "Active"),
    ("10009", "Tampereen Rauta Oy", "FI", "Active"),
    ("10010", "Turun Kahvipaahtimo Oy", "FI", "Active"),
    ("10011", "Tromsø Fiskeutstyr AS", "NO", "Active"),
    ("10012", "Luleå Verktyg AB", "SE", "Active"),
    ("10013", "Kristiansand Interiør AS", "NO", "Active"),
    ("10014", "Nedlagt Handel AS", "NO", "Inactive"),
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

# Order types for SalesOrders v3: id -> (description, manual numbering allowed).
ORDER_TYPES: dict[str, tuple[str, bool]] = {
    "SO": ("Sales order", True),
    "QT": ("Quote", False),
}

UNITS = ("PCS", "BOX", "KG", "ROLL", "SET", "HOUR", "M")
