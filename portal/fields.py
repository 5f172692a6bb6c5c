"""A text field encrypted at rest with Fernet, and a value that never shows what it holds.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS``, newest first: the first key encrypts, every key
decrypts (``MultiFernet``). Rotate by putting a new key first and running
``manage.py rotate_encryption_keys``, which re-encrypts every row with the new key; drop the old key
only after that.

The model attribute is a ``SecretValue``: printing, ``repr`` or a template shows a mask, and the
plaintext comes out only through ``reveal()``. That keeps a secret out of pages, logs and error
messages by accident; code that needs it (building an ERP client) asks for it by name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .startup_checks import fernet_keys

MASK = "••••••••"


class DecryptionFailed(Exception):
    """A stored value no configured key can open (a key was dropped before rotating)."""


@functools.cache
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty; at least one key is needed.")
    return MultiFernet(fernet_keys(list(keys)))


def cipher() -> MultiFernet:
    """The MultiFernet for the configured key list (cached per key list)."""
    return _cipher_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return cipher().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS. "
            "Was a key removed before `manage.py rotate_encryption_keys` ran?"
        ) from None


def rotate(ciphertext: str) -> str:
    """The same plaintext, encrypted with the newest key."""
    try:
        return cipher().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A stored secret cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from None


def _clear_cache(*, setting: str, **kwargs: Any) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _cipher_for.cache_clear()


setting_changed.connect(_clear_cache)


class SecretValue:
    """An encrypted secret as the model holds it. ``str()`` and ``repr()`` show a mask."""

    __slots__ = ("_ciphertext",)

    def __init__(self, ciphertext: str) -> None:
        self._ciphertext = ciphertext

    @classmethod
    def from_plaintext(cls, plaintext: str) -> SecretValue:
        return cls(encrypt(plaintext))

    @property
    def ciphertext(self) -> str:
        return self._ciphertext

    def reveal(self) -> str:
        """The plaintext. Call it only to hand the secret to the service that needs it."""
        return decrypt(self._ciphertext)

    # Django templates never call a method marked so: ``{{ x.reveal }}`` renders nothing.
    reveal.alters_data = True  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"SecretValue({MASK!r})"

    def __bool__(self) -> bool:
        return bool(self._ciphertext)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SecretValue):
            return self._ciphertext == other._ciphertext
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._ciphertext)

    def __reduce__(self) -> Any:
        # Pickling (cache, sessions) carries the ciphertext only.
        return (SecretValue, (self._ciphertext,))


class _EncryptOnAssign(DeferredAttribute):
    """Encrypts a plain string the moment it is assigned, so the model instance never holds the
    plaintext (not after ``save()`` either)."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        if isinstance(value, str) and value:
            value = SecretValue.from_plaintext(value)
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; the attribute is a ``SecretValue`` (assign a plain ``str`` to
    set a new secret). Not searchable or orderable by content, by design."""

    description = "Text encrypted at rest (Fernet, key rotation)"
    descriptor_class = _EncryptOnAssign

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return SecretValue(value)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, SecretValue):
            return value
        if value == "":
            return value
        # A plain string here is a new secret from code or a form; it is encrypted on save.
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        if isinstance(value, SecretValue):
            return value.ciphertext
        return encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) writes the ciphertext, never the plaintext.
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""

    def formfield(self, **kwargs: Any) -> Any:
        # Forms never get this field automatically; they declare a write-only input on purpose.
        return None


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) pair of the project that holds encrypted text."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
