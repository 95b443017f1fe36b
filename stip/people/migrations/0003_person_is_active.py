"""`Person.is_active`, a copy of the account's `is_active`, so that `current()` (active and not
past the end date) reads the people table alone; filled here from the accounts. The index
serves `current()` and its counts, `SELECT COUNT(*) FROM people_person WHERE is_active AND
(end_date IS NULL OR end_date >= today) [AND the name search]`, which joined and scanned both
tables before.
"""

from django.db import migrations, models
from django.db.models import Q


def copy_from_accounts(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    # Every person is active by the new column's default: only the deactivated change.
    Person.objects.filter(user__is_active=False).update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_name_trigram")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="is_active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.RunPython(copy_from_accounts, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=Q(is_active=True),
                fields=["last_name", "first_name", "end_date", "is_active"],
                name="people_person_current",
            ),
        ),
    ]
