from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        from usage.signals import throttling_detected

        from .receivers import on_throttling

        throttling_detected.connect(on_throttling, dispatch_uid="tenants.on_throttling")
