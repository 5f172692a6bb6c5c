"""The demo staff that `make run` seeds. Never created in production."""

from __future__ import annotations

from .roles import Role

DEMO_PASSWORD = "demo-portal-2026"

DEMO_STAFF = (
    ("admin@demo.example", "Ada", "Admin", Role.ADMIN),
    ("operator@demo.example", "Olav", "Operator", Role.OPERATOR),
    ("viewer@demo.example", "Vera", "Viewer", Role.VIEWER),
)
