"""The operations app's records. Each part keeps its models in its own module, imported here
so that Django finds them."""

from .console.models import ConsoleCall
from .jobs.models import BackgroundJob, JobEvent, JobFile
from .orders.models import OrderNumberSequence, PortalOrder
from .webhook_models import AutomationMapping, AutomationRun, DocumentRefresh

__all__ = [
    "AutomationMapping",
    "AutomationRun",
    "BackgroundJob",
    "ConsoleCall",
    "DocumentRefresh",
    "JobEvent",
    "JobFile",
    "OrderNumberSequence",
    "PortalOrder",
]
