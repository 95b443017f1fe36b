"""Whether a conversation's report has been shared, stored on the conversation, with an index of
the conversations that have one, newest first, for HR's list of reports
(GET /api/v1/conversation-reports):

    SELECT … FROM conversations_formalreport INNER JOIN conversations_meeting …
    WHERE conversations_meeting.has_shared_report AND shared_at IS NOT NULL
    ORDER BY conversations_meeting.scheduled_for DESC, conversations_meeting.id DESC … LIMIT 51

walks `conv_meeting_shared_when` and stops after the page, rather than walking every
conversation outside a series past the drafts and the conversations without a report
(docs/performance.md, finding 10). The conversations whose report is shared already are marked
here, in one statement."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_shared(apps, schema_editor):
    Meeting = apps.get_model("conversations", "Meeting")
    FormalReport = apps.get_model("conversations", "FormalReport")
    shared = FormalReport.objects.filter(meeting=OuterRef("pk"), shared_at__isnull=False)
    Meeting.objects.using(schema_editor.connection.alias).filter(Exists(shared)).update(
        has_shared_report=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_overview_rank"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="has_shared_report",
            field=models.BooleanField(default=False, editable=False, verbose_name="report shared"),
        ),
        migrations.RunPython(mark_shared, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(
                condition=models.Q(("has_shared_report", True)),
                fields=["scheduled_for", "id"],
                name="conv_meeting_shared_when",
            ),
        ),
    ]
