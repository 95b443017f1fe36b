"""Background work for people: the CSV import runs here, with progress the page polls."""

from django_tasks import task

from stip.people import importing
from stip.people.models import ImportJob


@task()
def people_import_run(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return  # Deleted before a worker picked it up.
    importing.import_job_run(job=job)
