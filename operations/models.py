"""The operations app's records. Each part keeps its models in its own module, imported here."""

from .orders.models import OrderNumberSequence, PortalOrder  # noqa: F401
