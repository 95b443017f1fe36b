"""Background work for conversations: counting HR's overview in its "fewest 1:1s first" order."""

from django_tasks import task

from stip.conversations import services


@task()
def overview_count() -> None:
    services.overview_count()
