"""Importing the organisation from a CSV export of the payroll or HRIS system."""

from stip.people.models import ImportJob


def import_job_create(*, actor, filename: str, content: str, deactivate_missing: bool) -> ImportJob:
    raise NotImplementedError
