from django.db import migrations, models


def clear_repeated_dispatcher_ids(apps, schema_editor):
    """Before the constraint: a dispatcher id held by two subscriptions stays on the oldest. The
    id only decides whose keys are tried first; the others' keys are still tried."""
    Subscription = apps.get_model("webhooks", "Subscription")
    seen = set()
    for subscription in Subscription.objects.exclude(dispatcher_id="").order_by("created_at", "pk"):
        if subscription.dispatcher_id in seen:
            subscription.dispatcher_id = ""
            subscription.save(update_fields=["dispatcher_id"])
        seen.add(subscription.dispatcher_id)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_queued_index"),
    ]

    operations = [
        migrations.RunPython(clear_repeated_dispatcher_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("dispatcher_id", ""), _negated=True),
                fields=("dispatcher_id",),
                name="webhooks_one_subscription_per_dispatcher_id",
            ),
        ),
    ]
