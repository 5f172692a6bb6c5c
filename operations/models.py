"""The operations app's records. Each part keeps its models in its own module, imported here."""

from .console.models import ConsoleCall  # noqa: F401
from .jobs.models import BackgroundJob, JobEvent, JobFile  # noqa: F401
from .orders.models import OrderNumberSequence, PortalOrder  # noqa: F401
from .webhook_models import *  # noqa: F403 (ERP events and automation actions)
