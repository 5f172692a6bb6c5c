"""A company's hourly limit is no longer copied from the settings: the column keeps only an API
client's own limit (or the ERP's figure for an unregistered company) and is empty for the type's
default, which is read from USAGE_HOURLY_LIMITS when needed."""

from django.db import migrations, models

# The defaults as they were copied until now (this migration's history, not a setting).
_COPIED_DEFAULTS = {"test": 500, "production": 15_000}


def forget_copied_defaults(apps, schema_editor):
    MeteredCompany = apps.get_model("usage", "MeteredCompany")
    for client_type, limit in _COPIED_DEFAULTS.items():
        MeteredCompany.objects.filter(client_type=client_type, hourly_limit_override=limit).update(
            hourly_limit_override=None
        )


def restore_copied_defaults(apps, schema_editor):
    MeteredCompany = apps.get_model("usage", "MeteredCompany")
    for client_type, limit in _COPIED_DEFAULTS.items():
        MeteredCompany.objects.filter(
            client_type=client_type, hourly_limit_override__isnull=True
        ).update(hourly_limit_override=limit)


class Migration(migrations.Migration):
    dependencies = [("usage", "0002_ledger_flush")]

    operations = [
        migrations.RenameField("meteredcompany", "hourly_limit", "hourly_limit_override"),
        migrations.AlterField(
            model_name="meteredcompany",
            name="hourly_limit_override",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Calls per hour; empty: the client type's default (USAGE_HOURLY_LIMITS).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="meteredcompany",
            name="client_type",
            field=models.CharField(
                choices=[("test", "Test"), ("production", "Production")], max_length=20
            ),
        ),
        migrations.RunPython(forget_copied_defaults, restore_copied_defaults),
    ]
