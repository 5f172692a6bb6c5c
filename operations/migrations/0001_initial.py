# The operations app's first migration: empty, so that each part's models start from one root.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = []
