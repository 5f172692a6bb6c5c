"""Visma.net ERP screens the guidance sends people to.

A screen id is given only where a Visma article names it (the seed articles: number series,
customers, suppliers, VAT zones and categories, items, item warehouse details, the sales order).
Every other screen is named by its menu title alone: its id is not confirmed, and a wrong id would
send someone to the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Screen:
    title: str
    screen_id: str | None = None
    tab: str | None = None

    def __str__(self) -> str:
        place = f"{self.title} ({self.screen_id})" if self.screen_id else self.title
        return f"{place}, {self.tab} tab" if self.tab else place

    def on_tab(self, tab: str) -> Screen:
        return Screen(self.title, self.screen_id, tab)


# Named in the seed articles.
NUMBER_SERIES = Screen("Number series", "CS201010")
CUSTOMERS = Screen("Customers", "AR303000")
SUPPLIERS = Screen("Suppliers", "AP303000")
VAT_ZONES = Screen("VAT zones", "TX2060PL")
VAT_CATEGORIES = Screen("VAT categories", "TX2055PL")
NON_STOCK_ITEMS = Screen("Non-stock items", "IN202000")
STOCK_ITEMS = Screen("Stock items", "IN202500")
ITEM_WAREHOUSE_DETAILS = Screen("Item warehouse details", "IN204500")
SALES_ORDERS = Screen("Sales orders", "SO30100S")

# Named by title only (id not confirmed).
ORDER_TYPES = Screen("Order types")
FINANCIAL_PERIODS = Screen("Financial periods")
PAYMENT_METHODS = Screen("Payment methods")
CASH_ACCOUNTS = Screen("Cash accounts")
CREDIT_TERMS = Screen("Credit terms")
WAREHOUSES = Screen("Warehouses")
SUBACCOUNTS = Screen("Subaccounts")
SALES_PERSONS = Screen("Sales persons")
PROJECTS = Screen("Projects")
REASON_CODES = Screen("Reason codes")
UNITS_OF_MEASURE = Screen("Units of measure")
DISCOUNTS = Screen("Discount codes")
SHIP_VIA_CODES = Screen("Ship via codes")
CHART_OF_ACCOUNTS = Screen("Chart of accounts")
VISMA_NET_ADMIN_USERS = Screen("Visma.net Admin, Users and roles")
VISMA_NET_ADMIN_COMPANY = Screen("Visma.net Admin, Company, Edit, Configuration")
APP_STORE = Screen("Visma App Store, the app's page, Approvals")
DEVELOPER_PORTAL = Screen("Visma Developer Portal, My applications")
