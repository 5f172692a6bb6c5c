from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        # Registers the status.visma.com handler with the webhook inbox.
        from . import statuspage  # noqa: F401
