from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each part registers what an ERP event refreshes (operations/refresh.py).
        from .orders import refresh as _orders_refresh  # noqa: F401
