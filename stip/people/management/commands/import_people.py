"""Import the organisation from a CSV file, synchronously, for scripts and first installs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stip.people import importing


class Command(BaseCommand):
    help = (
        "Import people, managers and teams from a CSV file (the columns are explained on the "
        "import page). Nothing is written unless every row is good."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, comma or semicolon).")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the accounts of people who are not in the file.",
        )

    def handle(self, *args, file: Path, deactivate_missing: bool, **options) -> None:
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(
                _("%(file)s is not UTF-8 text. Save it as “CSV UTF-8”.") % {"file": file}
            ) from None

        job = importing.import_job_create(
            actor=None,
            filename=file.name,
            content=content,
            deactivate_missing=deactivate_missing,
            background=False,
        )
        result = importing.import_job_run(job=job)
        for error in result.errors:
            where = [_("line %(line)d") % {"line": error["line"]}] if error["line"] else []
            if error["column"]:
                where.append(error["column"])
            prefix = f"{', '.join(where)}: " if where else ""
            self.stderr.write(f"{prefix}{error['message']}")
        if result.failed:
            raise CommandError(_("The import failed; nothing was changed."))
        if result.errors:
            raise CommandError(
                ngettext(
                    "Nothing was imported: the file has %(count)d error.",
                    "Nothing was imported: the file has %(count)d errors.",
                    len(result.errors),
                )
                % {"count": len(result.errors)}
            )
        counts = result.counts()
        self.stdout.write(
            ngettext(
                "Imported %(rows)d row: %(created)d people created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(deactivated)d deactivated, %(teams_created)d teams "
                "created.",
                "Imported %(rows)d rows: %(created)d people created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(deactivated)d deactivated, %(teams_created)d teams "
                "created.",
                counts["rows"],
            )
            % counts
        )
