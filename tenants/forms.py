"""Forms of the tenants pages. The client secret is write-only: never given an initial value,
never rendered back ("leave empty to keep")."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from erpclient import ERP_SCOPES, SALESORDER_SCOPES
from portal.inputs import database_id, is_database_id
from usage.conf import hourly_limit_for

from .catalogue import IssueKind, Owner
from .csv_import import MAX_BYTES
from .models import (
    TENANT_NOTES_MAX_LENGTH,
    ApiClient,
    ClientType,
    Customer,
    IssueStatus,
    TenantStatus,
    offered_environments,
)
from .selectors import DEFAULT_SORT, SORT_CHOICES, SORT_ORDERS
from .validators import EXAMPLE_GUID, normalize_tenant_id

ALL_SCOPES = (*ERP_SCOPES, *SALESORDER_SCOPES)
NEW_CUSTOMER = "new"


class SecretInput(forms.PasswordInput):
    """Never renders a value, even after a failed submit."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False
        )


class ApiClientForm(forms.Form):
    name = forms.CharField(max_length=120)
    client_id = forms.CharField(
        label="Client id", max_length=200, help_text="From the Visma Developer Portal, e.g. isv_…"
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=False,
        max_length=500,
        widget=SecretInput(),
        help_text="Write-only: it is stored encrypted and never shown again.",
    )
    client_type = forms.ChoiceField(label="Type", choices=ClientType.choices)
    hourly_limit_override = forms.IntegerField(
        label="Hourly limit",
        required=False,
        min_value=1,
        max_value=1_000_000,
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The scopes the client has in the Developer Portal; none ticked means all.",
    )
    environment = forms.ChoiceField(choices=offered_environments)
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, instance: ApiClient | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "client_id": instance.client_id,
                    "client_type": instance.client_type,
                    "hourly_limit_override": instance.hourly_limit_override,
                    "scopes": instance.scopes,
                    "environment": instance.environment,
                    "active": instance.active,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        # The defaults come from the settings at the time the page is drawn.
        self.fields["hourly_limit_override"].help_text = (
            "Calls per company per hour. Leave empty for "
            f"{hourly_limit_for(ClientType.TEST):,} (test) or "
            f"{hourly_limit_for(ClientType.PRODUCTION):,} (production)."
        )
        if instance is not None:
            self.fields["client_secret"].help_text = (
                "Leave empty to keep the current secret. A new one replaces it; the change is "
                "audited, the value never is."
            )
        else:
            self.fields["client_secret"].required = True


class TenantForm(forms.Form):
    tenant_id = forms.CharField(
        label="Company tenant id",
        max_length=80,
        error_messages={"required": "Enter the company tenant id."},
        help_text=f"The company's tenant id from the Developer Portal, like {EXAMPLE_GUID}.",
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to use the company name the ERP reports.",
    )
    api_client = forms.ModelChoiceField(
        label="API client", queryset=ApiClient.objects.filter(active=True), empty_label=None
    )
    customer = forms.ChoiceField(label="Customer")
    new_customer_name = forms.CharField(label="New customer's name", max_length=200, required=False)
    new_customer_organisation_number = forms.CharField(
        label="Organisation number", max_length=40, required=False
    )
    new_customer_contact_email = forms.EmailField(label="Contact email", required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=TENANT_NOTES_MAX_LENGTH
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        customers = list(Customer.objects.order_by("name").values_list("pk", "name")[:2000])
        self.fields["customer"].choices = [
            ("", "Choose…"),
            (NEW_CUSTOMER, "+ A new customer"),
            *[(str(pk), name) for pk, name in customers],
        ]

    def clean_tenant_id(self) -> str:
        return normalize_tenant_id(self.cleaned_data["tenant_id"])

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("customer")
        if choice == NEW_CUSTOMER:
            if not (cleaned.get("new_customer_name") or "").strip():
                self.add_error("new_customer_name", "Enter the new customer's name.")
        elif choice:
            customer = Customer.objects.filter(pk=choice).first() if choice.isdigit() else None
            if customer is None:
                self.add_error("customer", "Choose a customer from the list.")
            cleaned["customer_obj"] = customer
        return cleaned


class TenantEditForm(forms.Form):
    name = forms.CharField(max_length=200)
    api_client = forms.ModelChoiceField(
        label="API client",
        queryset=ApiClient.objects.none(),
        empty_label=None,
        help_text="Moving the tenant to another client forgets its cached tokens; the next "
        "check asks Visma Connect with the new client.",
    )
    customer = forms.ModelChoiceField(queryset=Customer.objects.order_by("name"), empty_label=None)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TENANT_NOTES_MAX_LENGTH
    )

    def __init__(self, *args, tenant, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": tenant.name,
                "api_client": tenant.api_client_id,
                "customer": tenant.customer_id,
                "notes": tenant.notes,
            },
        )
        super().__init__(*args, **kwargs)
        # Active clients, and the tenant's own even if it was deactivated since.
        self.fields["api_client"].queryset = ApiClient.objects.filter(
            Q(active=True) | Q(pk=tenant.api_client_id)
        ).order_by("name")


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=200)
    organisation_number = forms.CharField(max_length=40, required=False)
    customer_tenant_id = forms.CharField(
        label="Customer tenant id",
        max_length=80,
        required=False,
        help_text="The contract's tenant id. Tenants are never registered with it; the portal "
        "refuses it where a company tenant id belongs.",
    )
    contact_email = forms.EmailField(required=False)

    def __init__(self, *args, customer: Customer | None = None, **kwargs):
        if customer is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": customer.name,
                    "organisation_number": customer.organisation_number,
                    "customer_tenant_id": customer.customer_tenant_id,
                    "contact_email": customer.contact_email,
                },
            )
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Written to the audit log.",
        error_messages={"required": "Say why; the reason goes to the audit log."},
    )

    def __init__(self, *args, label: str = "Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: tenant id, name, customer, client (a header row first). "
        "Comma, semicolon or tab separated, UTF-8.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        return upload


class CsvConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=MAX_BYTES * 2)


class TenantFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Name, tenant id, customer or company id"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TenantStatus.choices])
    kind = forms.ChoiceField(
        label="Problem", required=False, choices=[("", "Any problem"), *IssueKind.choices]
    )
    owner = forms.ChoiceField(
        label="Who must act", required=False, choices=[("", "Anyone"), *Owner.choices]
    )
    client = forms.TypedChoiceField(
        label="API client", required=False, coerce=int, empty_value=None
    )
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    # The orders are selectors.SORT_ORDERS, the same the column headers produce. A CharField, so
    # an unknown value falls back to the default in filters() rather than dropping every filter.
    sort = forms.CharField(required=False, max_length=40, widget=forms.Select(choices=SORT_CHOICES))
    per_page = forms.TypedChoiceField(
        label="Per page",
        required=False,
        coerce=int,
        empty_value=50,
        initial=50,
        choices=[(25, "25"), (50, "50"), (100, "100")],
    )

    def __init__(self, *args, clients=(), customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "Any client"), *[(str(pk), n) for pk, n in clients]]
        self.fields["customer"].choices = [
            ("", "Any customer"),
            *[(str(pk), n) for pk, n in customers],
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        sort = data.get("sort") or DEFAULT_SORT
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "kind": data.get("kind", ""),
            "owner": data.get("owner", ""),
            "client": data.get("client"),
            "customer": data.get("customer"),
            "sort": sort if sort in SORT_ORDERS else DEFAULT_SORT,
        }


class IssueFilterForm(forms.Form):
    field_order = ["q", "status", "kind", "owner"]
    status = forms.ChoiceField(
        required=False,
        initial=IssueStatus.OPEN,
        choices=[(IssueStatus.OPEN, "Open"), (IssueStatus.MUTED, "Muted"), ("", "Open and muted")],
    )
    kind = forms.ChoiceField(
        label="Problem", required=False, choices=[("", "Any problem"), *IssueKind.choices]
    )
    owner = forms.ChoiceField(
        label="Who must act", required=False, choices=[("", "Anyone"), *Owner.choices]
    )
    q = forms.CharField(
        label="Tenant",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Tenant name or id"}),
    )


class MuteForm(forms.Form):
    reason = forms.CharField(
        label="Why does it need no action now?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Written to the audit log.",
        error_messages={
            "required": "Say why this issue is muted, so others know.",
            "max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d); "
            "nothing was muted.",
        },
    )


def mute_form_for(issue) -> MuteForm:
    """A mute form whose ids are the issue's own, so many can share a page."""
    return MuteForm(auto_id=f"mute-{issue.pk}-%s")


class RecheckForm(forms.Form):
    issues = forms.TypedMultipleChoiceField(coerce=database_id, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data.getlist("issues") if hasattr(self.data, "getlist") else []
        # Any id is a valid choice; which ones exist is the selector's business.
        self.fields["issues"].choices = [(value, value) for value in data if is_database_id(value)]
        self.fields["issues"].error_messages["required"] = "Tick at least one issue to check again."
