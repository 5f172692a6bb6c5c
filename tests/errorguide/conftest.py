"""The errorguide tests read real errors from the sandbox through erpclient's fixtures."""

from tests.erpclient.conftest import advance_sandbox_clock, erp  # noqa: F401  (fixtures)
