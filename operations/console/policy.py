"""Who may do what at the console, and the choices it offers: the one home of these rules.

Operators read (GET); admins also write (POST, PUT, PATCH, DELETE), each after a confirmation
that names the company, a DELETE after a second one. Viewers do not reach the console: it
spends the company's budget.
"""

from __future__ import annotations

from portal.roles import OPERATE, Role, role_of

# erp-api-background values the console sends. A URL (the legacy mode) is not offered: the ERP
# would post the result to an address typed into a form.
BACKGROUND_MODES: list[tuple[str, str]] = [
    ("none", "none (queued, no notification)"),
    ("subscription", "subscription (the app's webhook is notified)"),
]
# How many history rows a page shows.
HISTORY_SIZE = 25
# A person waits at the page: a call the budget or the repeat guard would hold longer than this
# is not sent, and the page says why and for how long, instead of hanging.
WAIT_CAP_SECONDS = 5.0


def may_use(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(OPERATE))


def may_write(user) -> bool:
    return may_use(user) and role_of(user) is Role.ADMIN


def refusal(user, method: str) -> str:
    """Why ``user`` may not send ``method`` here ("" when they may)."""
    if not may_use(user):
        return "The API console is for operators and admins."
    if method != "GET" and not may_write(user):
        return f"Only admins send a {method}; operators read (GET)."
    return ""
