# The goal lists without sorting or counting every goal someone may see: a column for the order
# of the alignment tree's levels, and indexes in the order of all goals, of the top of the tree
# and the goals that are not aligned, and of one level of the tree (docs/performance.md,
# findings 9 and 12); the strategic goals of the home page in their order too.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="level_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(level="organisation", then=models.Value(0)),
                    models.When(level="team", then=models.Value(1)),
                    default=models.Value(2),
                ),
                output_field=models.PositiveSmallIntegerField(),
            ),
        ),
        migrations.RemoveIndex(model_name="goal", name="goals_goal_level_end"),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(
                fields=["level", "end_date", "title", "id"], name="goals_goal_level_end_title"
            ),
        ),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(fields=["end_date", "title", "id"], name="goals_goal_end_title"),
        ),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(
                condition=models.Q(("parent__isnull", True)),
                fields=["level", "end_date", "title", "id"],
                name="goals_goal_unaligned",
            ),
        ),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(
                fields=["parent", "level_rank", "end_date", "title", "id"],
                name="goals_goal_children",
            ),
        ),
        migrations.RemoveIndex(model_name="goal", name="goals_goal_strategic_end"),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(
                condition=models.Q(("is_strategic", True)),
                fields=["end_date", "title", "id"],
                name="goals_goal_strategic_end_title",
            ),
        ),
    ]
