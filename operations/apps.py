from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the ERP event and automation-action handlers with the webhook inbox.
        from . import events  # noqa: F401 - imported for its registrations

        # Each part registers its tasks, webhook handlers and what an ERP event refreshes
        # (operations/refresh.py) on import.
        from .financials import read_cache as _read_cache  # noqa: F401 - imported for its registrations
        from .invoices import changes as _invoice_changes  # noqa: F401 - imported for its registrations
        from .jobs import handlers, tasks  # noqa: F401 - imported for its registrations
        from .orders import refresh as _orders_refresh  # noqa: F401 - imported for its registrations
