from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each part registers its tasks, webhook handlers and refreshers on import.
        from .jobs import handlers, tasks  # noqa: F401
