"""Settings the portal refuses to start with. Each refusal is one ImproperlyConfigured line that
says what to set (manage.py prints it without a traceback). Imported by settings.py, so nothing
here may touch Django's models or app registry."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

# Published in this repository: fine for a laptop, never for production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghijklmnop"
NEW_FERNET_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def fernet_keys(keys: list[str]) -> list[Fernet]:
    """The keys as Fernet instances, or the line that says which one is not a Fernet key."""
    ciphers = []
    for position, key in enumerate(keys, start=1):
        try:
            ciphers.append(Fernet(key.strip().encode()))
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes); generate one with: {NEW_FERNET_KEY}"
            ) from None
    return ciphers


def refuse_unsafe_production(
    *, secret_key: str, debug: bool, allowed_hosts: list[str], sandbox: bool
) -> None:
    if secret_key == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the published development key. Production needs its own long random "
            "key; generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if debug:
        raise ImproperlyConfigured(
            "DEBUG is on. Production never shows debug pages: unset DEBUG or set DEBUG=off."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. Set it to the host names the portal answers to, "
            "e.g. ALLOWED_HOSTS=portal.example.com."
        )
    if sandbox:
        raise ImproperlyConfigured(
            "PORTAL_SANDBOX is on. Production talks to the real Visma.net hosts: unset "
            "PORTAL_SANDBOX or set PORTAL_SANDBOX=off."
        )
