"""Everything the sandbox remembers, in memory, behind one lock, rebuilt from the seed on reset."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from erpsim.armed_errors import ArmedErrors
from erpsim.background import BackgroundStore
from erpsim.clock import VirtualClock
from erpsim.config import RUNTIME_SETTINGS, SandboxOptions
from erpsim.demo_documents import supplier_invoices
from erpsim.demo_payments import supplier_payments
from erpsim.events import Event, Occurrence, Subscription, Subscriptions
from erpsim.faults import NO_FAULTS, FaultConfig, FaultDice, LostAnswers
from erpsim.ids import IdFactory
from erpsim.masterdata import MasterData
from erpsim.recorder import RequestLog
from erpsim.salesorders.builder import seed_orders
from erpsim.scenarios import Scenario
from erpsim.statuspage import StatusPage
from erpsim.throttle import (
    FAILED_REQUEST_POLICY,
    SAME_REQUEST_POLICY,
    BudgetKey,
    HourlyBudget,
    RepeatRule,
)
from erpsim.tokens import TokenService
from erpsim.webhooks import Dispatcher, WebhookLog
from erpsim.world import (
    COUNTRY_CURRENCY,
    DEMO_CLIENTS,
    DEMO_EVENTS_KEY,
    DEMO_TENANTS,
    demo_events_subscription_id,
)

_ENCODED_CACHE_SIZE = 4096
# SQL Server rowversions look like this one (the KB's example ETag is AAAAAE0YIiI=).
_FIRST_ROWVERSION = 0x4D182222


@dataclass
class Client:
    client_id: str
    client_secret: str
    type: str
    scopes: frozenset[str]
    name: str = ""
    webhook_url: str | None = None
    webhook_secret: str = ""
    hourly_limit: int | None = None

    def budget(self, options: SandboxOptions) -> int:
        if self.hourly_limit is not None:
            return self.hourly_limit
        if self.type == "production":
            return options.production_hourly_limit
        return options.test_hourly_limit

    def public(self, options: SandboxOptions) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "client_secret": "***",
            "type": self.type,
            "scopes": sorted(self.scopes),
            "name": self.name,
            "webhook_url": self.webhook_url,
            "webhook_secret": "***" if self.webhook_secret else "",
            "hourly_limit": self.budget(options),
        }


@dataclass
class Tenant:
    tenant_id: str
    company_id: int
    name: str
    scenario: Scenario
    client_ids: set[str]
    country: str = "NO"
    customer_name: str = ""
    customer_tenant_id: str | None = None
    faults: FaultConfig | None = None

    def approves(self, client_id: str) -> bool:
        """Whether this company approved the client in the App Store (so it may act and hear)."""
        return client_id in self.client_ids and self.scenario != Scenario.NOT_APPROVED

    def public(self) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "company_id": self.company_id,
            "name": self.name,
            "scenario": self.scenario,
            "client_ids": sorted(self.client_ids),
            "country": self.country,
            "customer_name": self.customer_name,
            "customer_tenant_id": self.customer_tenant_id,
            "faults": self.faults.as_dict() if self.faults else None,
        }


class Company:
    """One ERP company and its documents.

    Seeded documents arrive as JSON text and are parsed on first use: a reset costs next to
    nothing, and a test pays only for the companies it touches.
    """

    def __init__(self, company_id: int, name: str, country: str, documents: bytes | None = None):
        self.company_id = company_id
        self.name = name
        self.country = country
        self._documents = documents
        self._invoices: dict[tuple[str, str], dict[str, Any]] = {}
        self._orders: dict[tuple[str, str], dict[str, Any]] = {}
        self._payments: dict[tuple[str, str], dict[str, Any]] = {}
        self._next_invoice_number = 100001
        self._next_order_number: dict[str, int] = {}
        # Encoded response bodies by document version (see remember_encoding).
        self.encoded: dict[tuple[Any, ...], bytes] = {}
        self._master: MasterData | None = None

    @property
    def master(self) -> MasterData:
        """Customers, suppliers and items, copied from the demo world on first use."""
        if self._master is None:
            self._master = MasterData()
        return self._master

    def remember_encoding(self, key: tuple[Any, ...], body: bytes) -> bytes:
        """Keep an encoded body; keys carry the document's version, so stale ones never match."""
        if len(self.encoded) >= _ENCODED_CACHE_SIZE:
            self.encoded.clear()
        self.encoded[key] = body
        return body

    def _materialize(self) -> None:
        if self._documents is None:
            return
        data = json.loads(self._documents)
        self._documents = None
        self._invoices = {(i["documentType"], i["referenceNumber"]): i for i in data["invoices"]}
        self._orders = {(o["type"], o["orderId"]): o for o in data["orders"]}
        self._payments = {(p["type"], p["refNbr"]): p for p in data["payments"]}
        self._next_invoice_number = data["next_invoice_number"]
        self._next_order_number = data["next_order_number"]

    def serialized(self) -> bytes:
        self._materialize()
        return json.dumps(
            {
                "invoices": list(self._invoices.values()),
                "orders": list(self._orders.values()),
                "payments": list(self._payments.values()),
                "next_invoice_number": self._next_invoice_number,
                "next_order_number": self._next_order_number,
            }
        ).encode()

    @property
    def invoices(self) -> dict[tuple[str, str], dict[str, Any]]:
        self._materialize()
        return self._invoices

    @property
    def orders(self) -> dict[tuple[str, str], dict[str, Any]]:
        self._materialize()
        return self._orders

    @property
    def payments(self) -> dict[tuple[str, str], dict[str, Any]]:
        self._materialize()
        return self._payments

    @property
    def next_invoice_number(self) -> int:
        self._materialize()
        return self._next_invoice_number

    @next_invoice_number.setter
    def next_invoice_number(self, value: int) -> None:
        self._materialize()
        self._next_invoice_number = value

    @property
    def next_order_number(self) -> dict[str, int]:
        self._materialize()
        return self._next_order_number

    @property
    def currency(self) -> str:
        return COUNTRY_CURRENCY.get(self.country, "EUR")


class Sandbox:
    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        # Settings the control API may change at run time; a reset brings back these values.
        self._startup_settings = {name: getattr(options, name) for name in RUNTIME_SETTINGS}
        self.lock = threading.RLock()
        self.clock = VirtualClock()
        self.ids = IdFactory(options.seed)
        self.tokens = TokenService(options.seed, self.clock, self.ids)
        self.budget = HourlyBudget(self.clock, self._initial_usage)
        self.same_request = RepeatRule(
            self.clock,
            options.same_request_limit,
            options.same_request_window,
            SAME_REQUEST_POLICY,
            "Same request made too many times",
        )
        self.failed_request = RepeatRule(
            self.clock,
            options.failed_request_limit,
            options.failed_request_window,
            FAILED_REQUEST_POLICY,
            "The Same request failed already",
        )
        self.dice = FaultDice(options.seed)
        self.lost_answers = LostAnswers()
        self.armed_errors = ArmedErrors()
        self.requests = RequestLog(options.request_log_size)
        # Counts resets (see reset).
        self.generation = 0
        self.background = BackgroundStore()
        self.webhooks = WebhookLog()
        self.subscriptions = Subscriptions()
        self.dispatcher = Dispatcher(self)
        self.feedback = RequestLog(options.request_log_size)
        self.statuspage = StatusPage(self._status_id, self.clock.utcnow())
        self.global_faults: FaultConfig = NO_FAULTS
        self.clients: dict[str, Client] = {}
        self.tenants: dict[str, Tenant] = {}
        self.companies: dict[int, Company] = {}
        self._rowversion = _FIRST_ROWVERSION
        # The seeded documents of the demo world, built once and replayed on every reset.
        self._pristine: dict[int, bytes] = {}
        self._pristine_rowversion = _FIRST_ROWVERSION
        if options.world == "demo":
            self._build_pristine_documents()
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seeded world: data, clock, counters, logs and fault dice."""
        with self.lock:
            # Work already under way (a request still being answered, a notification on its
            # way, a background operation being run) checks this, so it leaves no trace in the
            # new world.
            self.generation += 1
            self.clock.reset()
            for name, value in self._startup_settings.items():
                setattr(self.options, name, value)
            self.ids = IdFactory(self.options.seed)
            self.tokens = TokenService(self.options.seed, self.clock, self.ids)
            self.budget.reset()
            self.same_request.reset()
            self.failed_request.reset()
            self.dice.reset()
            self.lost_answers.reset()
            self.armed_errors.reset()
            self.requests.reset()
            self.background.reset()
            self.webhooks.reset()
            self.subscriptions.reset()
            self.dispatcher.clear()
            self.feedback.reset()
            self.statuspage = StatusPage(self._status_id, self.clock.utcnow())
            self.global_faults = NO_FAULTS
            self.clients = {}
            self.tenants = {}
            self.companies = {}
            self._rowversion = self._pristine_rowversion
            if self.options.world == "demo":
                self._load_demo_world()

    def _load_demo_world(self) -> None:
        for spec in DEMO_CLIENTS:
            self.add_client(
                Client(
                    client_id=spec["client_id"],
                    client_secret=spec["client_secret"],
                    type=spec["type"],
                    scopes=frozenset(spec["scopes"]),
                    name=spec["name"],
                    webhook_url=spec.get("webhook_url"),
                    webhook_secret=spec.get("webhook_secret", ""),
                )
            )
        for spec in DEMO_TENANTS:
            tenant = Tenant(
                tenant_id=spec["tenant_id"],
                company_id=spec["company_id"],
                name=spec["name"],
                scenario=spec["scenario"],
                client_ids=set(spec["client_ids"]),
                country=spec["country"],
                customer_name=spec["customer_name"],
                customer_tenant_id=spec["customer_tenant_id"],
            )
            self.add_tenant(tenant)
        if self.options.events_url:
            self._subscribe_demo_clients(self.options.events_url)

    def _subscribe_demo_clients(self, url: str) -> None:
        """Every event of every company, for each demo client, to ``url`` (``--events-url``),
        signed with the demo key; kept across resets like the rest of the world."""
        for spec in DEMO_CLIENTS:
            client_id = spec["client_id"]
            self.subscriptions.put(
                Subscription(
                    demo_events_subscription_id(client_id),
                    client_id,
                    None,
                    url,
                    (DEMO_EVENTS_KEY,),
                    None,
                )
            )

    def _build_pristine_documents(self) -> None:
        for spec in DEMO_TENANTS:
            company = Company(spec["company_id"], spec["name"], spec["country"])
            self._seed_documents(company)
            self._pristine[company.company_id] = company.serialized()
        self._pristine_rowversion = self._rowversion

    # -- registry --------------------------------------------------------------------------

    def add_client(self, client: Client) -> None:
        with self.lock:
            self.clients[client.client_id] = client

    def add_tenant(self, tenant: Tenant, *, with_documents: bool = False) -> None:
        with self.lock:
            self.tenants[tenant.tenant_id.lower()] = tenant
            company = self.companies.get(tenant.company_id)
            if company is None:
                company = Company(
                    tenant.company_id,
                    tenant.name,
                    tenant.country,
                    self._pristine.get(tenant.company_id),
                )
                self.companies[tenant.company_id] = company
                if with_documents and company.company_id not in self._pristine:
                    self._seed_documents(company)

    def _seed_documents(self, company: Company) -> None:
        for invoice in supplier_invoices(company.company_id, company.country, self.options.seed):
            invoice["_rowversion"] = self.next_rowversion()
            company.invoices[(invoice["documentType"], invoice["referenceNumber"])] = invoice
        company.next_invoice_number = 100001 + len(company.invoices)
        seed_orders(company, self.options.seed, self.next_rowversion)
        invoices = list(company.invoices.values())
        for payment in supplier_payments(company.company_id, self.options.seed, invoices):
            payment["_rowversion"] = self.next_rowversion()
            company.payments[(payment["type"], payment["refNbr"])] = payment

    def tenant(self, tenant_id: str | None) -> Tenant | None:
        if not tenant_id:
            return None
        return self.tenants.get(tenant_id.lower())

    def customer_contract_tenants(self, customer_tenant_id: str) -> list[Tenant]:
        """Company tenants under a customer contract (a customer tenant id authenticates too)."""
        wanted = customer_tenant_id.lower()
        return [t for t in self.tenants.values() if (t.customer_tenant_id or "").lower() == wanted]

    def tenant_of_company(self, company_id: int) -> Tenant | None:
        for tenant in self.tenants.values():
            if tenant.company_id == company_id and tenant.scenario != Scenario.CUSTOMER_TENANT:
                return tenant
        return None

    def all_subscriptions(self) -> list[Subscription]:
        """Registered subscriptions, plus each client's ``webhook_url``, which hears the
        Background API's responses in every company."""
        implicit = [
            Subscription(
                id=f"client-{client.client_id}",
                client_id=client.client_id,
                company_id=None,
                url=client.webhook_url,
                keys=(client.webhook_secret,),
                events=frozenset({Event.BACKGROUND_API_RESPONSE}),
                implicit=True,
            )
            for client in self.clients.values()
            if client.webhook_url
        ]
        return implicit + self.subscriptions.all()

    def _status_id(self) -> str:
        """A Statuspage-style id (12 lower-case letters and digits) from the seeded generator."""
        return self.ids.guid().replace("-", "")[:12]

    def publish(self, occurrence: Occurrence) -> list[str]:
        return self.dispatcher.publish(occurrence)

    def next_rowversion(self) -> int:
        with self.lock:
            self._rowversion += 1
            return self._rowversion

    # -- throttling and faults -------------------------------------------------------------

    def _initial_usage(self, key: BudgetKey, limit: int) -> int:
        """A new hour starts empty, except for tenants whose scenario says it is nearly spent."""
        _client_id, company_id = key
        tenant = self.tenant_of_company(company_id)
        if tenant is not None and tenant.scenario == Scenario.NEAR_LIMIT:
            return int(limit * self.options.near_limit_fraction)
        return 0

    def faults_for(self, tenant: Tenant | None) -> FaultConfig:
        if tenant is not None and tenant.faults is not None:
            return tenant.faults
        scenario = NO_FAULTS
        if tenant is not None and tenant.scenario == Scenario.SLOW:
            scenario = FaultConfig(latency_ms=self.options.slow_latency_ms)
        elif tenant is not None and tenant.scenario == Scenario.FLAKY:
            scenario = FaultConfig(
                error_rate=self.options.flaky_error_rate,
                reset_rate=self.options.flaky_reset_rate,
                timeout_rate=self.options.flaky_timeout_rate,
            )
        return self.global_faults.merged_with(scenario)
