"""Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS.

Put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this command,
then remove the old keys. Each model is rotated in one transaction: a value no key can open stops
the command and leaves that model's rows as they were.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import audit
from portal.fields import DecryptionFailed, SecretValue, encrypted_fields, rotate

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every value can be decrypted, change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        total = 0
        for model, field in encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            try:
                count = self._rotate(model, field.attname, dry_run=dry_run)
            except DecryptionFailed as error:
                raise CommandError(f"{label}: {error} Nothing in {label} was changed.") from None
            total += count
            verb = "can be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(f"{label}: {count} value(s) {verb}.")
        if dry_run:
            self.stdout.write(f"Dry run: {total} value(s) checked, nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Done: {total} value(s) re-encrypted."))

    def _rotate(self, model, attname: str, *, dry_run: bool) -> int:
        count = 0
        # Values arrive as SecretValue (ciphertext); writing a SecretValue back stores it as is.
        rows = model._base_manager.exclude(**{f"{attname}__isnull": True}).exclude(**{attname: ""})
        with transaction.atomic():
            pks = list(rows.values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                chunk = pks[start : start + BATCH]
                values = model._base_manager.filter(pk__in=chunk).values_list("pk", attname)
                for pk, value in values:
                    rotated = rotate(value.ciphertext)
                    if not dry_run:
                        model._base_manager.filter(pk=pk).update(**{attname: SecretValue(rotated)})
                    count += 1
            if not dry_run and count:
                audit.record(
                    actor=None,
                    action="encryption.keys_rotated",
                    target_type=model._meta.label_lower,
                    target_label=f"{model._meta.verbose_name_plural} ({attname})",
                    details={"values": count},
                )
        return count
