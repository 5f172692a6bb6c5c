"""The operations app's records. Each part keeps its models in its own module, imported here."""

from .jobs.models import BackgroundJob, JobEvent, JobFile  # noqa: F401
