"""The encrypted field and key rotation: ciphertext at rest, a masked value in memory, and
``manage.py rotate_encryption_keys`` moving every value to the newest key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db.models import TextField
from django.db.models.functions import Cast

from portal.fields import MASK, DecryptionFailed, SecretValue
from portal.models import AuditEvent
from tenants.models import ApiClient

pytestmark = pytest.mark.django_db

PLAIN = "the-client-secret-4242"


def _raw(api_client: ApiClient) -> str:
    """The column as stored (a plain text cast skips the field's decoding)."""
    return (
        ApiClient.objects.filter(pk=api_client.pk)
        .annotate(raw=Cast("client_secret", TextField()))
        .values_list("raw", flat=True)
        .get()
    )


def _client(**fields) -> ApiClient:
    return ApiClient.objects.create(
        name=fields.pop("name", "Live"),
        client_id=fields.pop("client_id", "isv_live"),
        client_secret=PLAIN,
        **fields,
    )


def test_the_database_holds_ciphertext_only():
    api_client = _client()
    raw = _raw(api_client)
    assert PLAIN not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert ApiClient.objects.get().client_secret.reveal() == PLAIN


def test_the_value_never_shows_itself():
    api_client = _client()
    value = api_client.client_secret
    assert isinstance(value, SecretValue), "even right after save, memory holds no plaintext"
    assert str(value) == MASK
    assert PLAIN not in repr(value)
    assert PLAIN not in repr(api_client.__dict__)
    loaded = ApiClient.objects.get().client_secret
    assert str(loaded) == MASK and loaded.reveal() == PLAIN


def test_rotation_moves_every_value_to_the_newest_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    first = _client()
    second = _client(name="Test", client_id="isv_test")
    before = {first.pk: _raw(first), second.pk: _raw(second)}

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "2 value(s) re-encrypted" in out.getvalue()
    for api_client in (first, second):
        raw = _raw(api_client)
        assert raw != before[api_client.pk]
        assert Fernet(new.encode()).decrypt(raw.encode()).decode() == PLAIN

    # The old key can go now.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert ApiClient.objects.get(pk=first.pk).client_secret.reveal() == PLAIN
    event = AuditEvent.objects.get(action="encryption.keys_rotated")
    assert event.details == {"values": 2}
    assert PLAIN not in str(event.details)


def test_dry_run_changes_nothing(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    api_client = _client()
    raw = _raw(api_client)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _raw(api_client) == raw


def test_a_dropped_key_is_reported_and_nothing_changes(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    api_client = _client()
    raw = _raw(api_client)
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key was removed too early
    with pytest.raises(DecryptionFailed, match="rotate_encryption_keys"):
        ApiClient.objects.get().client_secret.reveal()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert _raw(api_client) == raw


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        _client()


def test_empty_and_none_stay_as_they_are():
    from portal.fields import EncryptedTextField

    field = EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None


def test_a_template_cannot_reveal_the_secret():
    from django.template import Context, Template

    api_client = _client()
    html = Template("[{{ c.client_secret }}|{{ c.client_secret.reveal }}]").render(
        Context({"c": api_client})
    )
    assert PLAIN not in html
    assert MASK in html
