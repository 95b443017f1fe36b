"""Importing the organisation from a CSV export of the payroll or HRIS system.

The whole file is checked first and every bad row reported; nothing is written unless the
file is clean. Then one transaction creates and updates users, people and teams in bulk,
rebuilds the materialised paths and writes the audit entries. The number of queries grows
with the number of batches (up to 1,000 rows each), never with the number of rows.
"""

import csv
import datetime
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple, Protocol, TypedDict

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stip.core.audit import audit_record, audit_record_many
from stip.core.models import User
from stip.people import policies
from stip.people.hierarchy import find_cycles, rebuild_paths
from stip.people.models import ImportJob, Person, Team

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
PROGRESS_EVERY = 1000
# The job page shows this many errors at most; the total is kept in the summary.
MAX_STORED_ERRORS = 1000

# The columns, by their key, with the label that error messages and pages show.
COLUMNS = {
    "employee_number": gettext_lazy("employee number"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("e-mail"),
    "manager_employee_number": gettext_lazy("manager"),
    "team": gettext_lazy("team"),
    "parent_team": gettext_lazy("parent team"),
    "job_title": gettext_lazy("job title"),
    "job_level": gettext_lazy("job level"),
    "start_date": gettext_lazy("start date"),
    "end_date": gettext_lazy("end date"),
    "language": gettext_lazy("language"),
}
OPTIONAL_COLUMNS = frozenset({"parent_team"})
REQUIRED_COLUMNS = tuple(key for key in COLUMNS if key not in OPTIONAL_COLUMNS)
REQUIRED_VALUES = ("employee_number", "first_name", "last_name", "email")

# Header names as people write them, in English and Dutch, after `_normalise_header`
# (lower case, underscores as spaces, single spaces). The canonical keys match themselves.
HEADER_ALIASES = {
    "employee number": "employee_number",
    "personeelsnummer": "employee_number",
    "first name": "first_name",
    "voornaam": "first_name",
    "last name": "last_name",
    "achternaam": "last_name",
    "email": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "e-mailadres": "email",
    "manager": "manager_employee_number",
    "manager employee number": "manager_employee_number",
    "manager's employee number": "manager_employee_number",
    "leidinggevende": "manager_employee_number",
    "team": "team",
    "parent team": "parent_team",
    "bovenliggend team": "parent_team",
    "job title": "job_title",
    "functie": "job_title",
    "job level": "job_level",
    "niveau": "job_level",
    "functieniveau": "job_level",
    "start date": "start_date",
    "startdatum": "start_date",
    "datum in dienst": "start_date",
    "end date": "end_date",
    "einddatum": "end_date",
    "datum uit dienst": "end_date",
    "language": "language",
    "taal": "language",
}

LANGUAGE_ALIASES = {
    "nl": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "en": "en",
    "english": "en",
    "engels": "en",
}

# The model's own limits, checked per row so that a long value is a clear error, not a
# database failure half-way through writing.
MAX_LENGTHS = {
    "employee_number": Person._meta.get_field("employee_number").max_length,
    "first_name": Person._meta.get_field("first_name").max_length,
    "last_name": Person._meta.get_field("last_name").max_length,
    "email": User._meta.get_field("email").max_length,
    "manager_employee_number": Person._meta.get_field("employee_number").max_length,
    "team": Team._meta.get_field("name").max_length,
    "parent_team": Team._meta.get_field("name").max_length,
    "job_title": Person._meta.get_field("job_title").max_length,
    "job_level": Person._meta.get_field("job_level").max_length,
}

_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


class RowError(TypedDict):
    """One problem in the file: the physical line (the header is line 1; None for the file as
    a whole), the column's label and the message, both translated when they are made."""

    line: int | None
    column: str
    message: str


@dataclass(slots=True)
class ImportRow:
    """One line of the file, cleaned: values that fail their check are empty or None."""

    line: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    manager_employee_number: str
    team: str
    parent_team: str
    job_title: str
    job_level: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    # None: the cell was empty, so an existing person keeps the language they have.
    language: str | None


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    teams_created: int = 0
    # An unexpected exception, not a problem in the file.
    failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "teams_created": self.teams_created,
        }


class Progress(Protocol):
    def __call__(self, *, status: str, done: int, total: int) -> None: ...


def _no_progress(*, status: str, done: int, total: int) -> None:
    return None


def _error(line: int | None, column: str, message: str) -> RowError:
    return {"line": line, "column": str(COLUMNS[column]) if column else "", "message": message}


# --- Reading the file ---------------------------------------------------------------------


def _normalise_header(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("\u2019", "'").lower().split())


def _parse_date(text: str) -> datetime.date | None:
    """YYYY-MM-DD or DD-MM-YYYY, with - or /. Raises ValueError for anything else."""
    if match := _ISO_DATE.match(text):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.match(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


def _parse_language(text: str) -> str | None:
    """A language code from "nl", "Dutch", "Nederlands", "nl-BE"… Raises ValueError."""
    key = text.strip().lower()
    if key in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[key]
    base = re.split(r"[-_]", key, maxsplit=1)[0]
    if base in {"nl", "en"} and base != key:
        return base
    raise ValueError(text)


def _cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def _read_header(record: list[str]) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(record):
        key = HEADER_ALIASES.get(_normalise_header(cell))
        if key is None:
            continue  # Extra columns are allowed and ignored.
        if key in columns:
            errors.append(
                _error(
                    1,
                    key,
                    _("The column “%(name)s” appears twice in the header.") % {"name": cell},
                )
            )
        else:
            columns[key] = index
    missing = [str(COLUMNS[key]) for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        errors.append(
            _error(
                1,
                "",
                _(
                    "The header is missing these columns: %(columns)s. The first line of the file "
                    "must name the columns."
                )
                % {"columns": ", ".join(missing)},
            )
        )
    return columns, errors


def _read_row(line: int, values: dict[str, str], errors: list[RowError]) -> ImportRow:
    if values["parent_team"] and not values["team"]:
        errors.append(_error(line, "parent_team", _("A parent team is given, but no team.")))
    errors.extend(
        _error(line, key, _("The %(column)s is missing.") % {"column": COLUMNS[key]})
        for key in REQUIRED_VALUES
        if not values[key]
    )
    for key, limit in MAX_LENGTHS.items():
        if len(values[key]) > limit:
            errors.append(
                _error(
                    line,
                    key,
                    _("The %(column)s is too long: at most %(limit)d characters.")
                    % {"column": COLUMNS[key], "limit": limit},
                )
            )
            values[key] = ""
    email = values["email"].lower()
    if email and len(email) <= MAX_LENGTHS["email"]:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _error(
                    line,
                    "email",
                    _("“%(value)s” is not a valid e-mail address.") % {"value": values["email"]},
                )
            )
            email = ""
    dates: dict[str, datetime.date | None] = {}
    for key in ("start_date", "end_date"):
        dates[key] = None
        if values[key]:
            try:
                dates[key] = _parse_date(values[key])
            except ValueError:
                errors.append(
                    _error(
                        line,
                        key,
                        _("“%(value)s” is not a date. Write dates as YYYY-MM-DD or DD-MM-YYYY.")
                        % {"value": values[key]},
                    )
                )
    start, end = dates["start_date"], dates["end_date"]
    if start and end and end < start:
        errors.append(
            _error(
                line,
                "end_date",
                _("The end date %(end)s is before the start date %(start)s.")
                % {"end": values["end_date"], "start": values["start_date"]},
            )
        )
    language = None
    if values["language"]:
        try:
            language = _parse_language(values["language"])
        except ValueError:
            errors.append(
                _error(
                    line,
                    "language",
                    _("Unknown language “%(value)s”. Use nl (Dutch) or en (English).")
                    % {"value": values["language"]},
                )
            )
    return ImportRow(
        line=line,
        employee_number=values["employee_number"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=email,
        manager_employee_number=values["manager_employee_number"],
        team=values["team"],
        parent_team=values["parent_team"] if values["team"] else "",
        job_title=values["job_title"],
        job_level=values["job_level"],
        start_date=start,
        end_date=end,
        language=language,
    )


def parse_rows(content: str) -> tuple[list[ImportRow], list[RowError]]:
    """Read the CSV text (comma or semicolon, as the header line uses) into rows, checking
    each row on its own: required values, e-mail, dates, language and lengths."""
    text = content.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[RowError] = []
    rows: list[ImportRow] = []
    columns: dict[str, int] | None = None
    while True:
        # A quoted value may span lines: a record starts on the line after the last one read.
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(_error(line, "", _("This line cannot be read as CSV.")))
            break
        if columns is None:
            columns, header_errors = _read_header(record)
            if header_errors:
                return [], header_errors
            width = len(record)
            continue
        if not any(cell.strip() for cell in record):
            continue
        if any(cell.strip() for cell in record[width:]):
            errors.append(
                _error(
                    line,
                    "",
                    _(
                        "This line has %(count)d values, but the header has %(columns)d "
                        "columns. Put values with a %(separator)s between quotes."
                    )
                    % {"count": len(record), "columns": width, "separator": delimiter},
                )
            )
        values = {key: _cell(record, columns.get(key)) for key in COLUMNS}
        rows.append(_read_row(line, values, errors))
    if columns is None:
        errors.append(_error(None, "", _("The file is empty.")))
    elif not rows and not errors:
        errors.append(_error(None, "", _("The file has a header but no rows below it.")))
    return rows, errors


# --- Checking the file against itself and the database ------------------------------------


class _Owner(NamedTuple):
    employee_number: str | None
    name: str


@dataclass
class _Existing:
    """What validation needs from the database, in three queries of a few columns each."""

    # employee number -> the manager's employee number
    managers: dict[str, str | None]
    # e-mail address (lower case) -> the account and the person who has it
    owners: dict[str, _Owner]
    # user id -> employee number, for the person running the import
    numbers_by_user: dict[int, str]
    # team name (case-folded) -> (name, parent's case-folded name)
    teams: dict[str, tuple[str, str | None]]

    @classmethod
    def load(cls) -> "_Existing":
        managers = dict(Person.objects.values_list("employee_number", "manager__employee_number"))
        owners: dict[str, _Owner] = {}
        numbers_by_user: dict[int, str] = {}
        for user_id, email, number, first, last in User.objects.values_list(
            "pk", "email", "person__employee_number", "person__first_name", "person__last_name"
        ):
            owners[email.lower()] = _Owner(number, f"{first or ''} {last or ''}".strip())
            if number is not None:
                numbers_by_user[user_id] = number
        teams = {
            name.casefold(): (name, parent.casefold() if parent else None)
            for name, parent in Team.objects.values_list("name", "parent__name")
        }
        return cls(managers=managers, owners=owners, numbers_by_user=numbers_by_user, teams=teams)


def _loop_text(cycle: list[str], start: str) -> str:
    """The loop as "A → B → C → A" from `start`, each followed by their manager (or parent)."""
    at = cycle.index(start)
    turned = cycle[at:] + cycle[:at]
    return " → ".join([*turned, start])


def validate(
    *,
    rows: list[ImportRow],
    deactivate_missing: bool,
    actor: User | None = None,
    progress: Progress | None = None,
) -> list[RowError]:
    """Check the rows against each other and the database: duplicates, e-mail addresses of
    other people, unknown managers, loops in the reporting line and the team tree."""
    report = progress or _no_progress
    existing = _Existing.load()
    errors: list[RowError] = []
    in_file = {row.employee_number for row in rows if row.employee_number}
    first_line_of_number: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    team_names: dict[str, str] = {name: shown for name, (shown, _parent) in existing.teams.items()}
    # The parent each team gets, case-folded, and the first line that said so.
    stated_parents: dict[str, tuple[str, int]] = {}
    managers = dict(existing.managers)

    for done, row in enumerate(rows, start=1):
        line, number = row.line, row.employee_number
        if number:
            if number in first_line_of_number:
                errors.append(
                    _error(
                        line,
                        "employee_number",
                        _("Employee number %(number)s is also on line %(line)d.")
                        % {"number": number, "line": first_line_of_number[number]},
                    )
                )
            else:
                first_line_of_number[number] = line
                boss = row.manager_employee_number
                # An unknown manager is an error of its own, not part of a loop.
                known = boss in in_file or boss in existing.managers
                managers[number] = boss if boss and known else None

        if row.email:
            if row.email in first_line_of_email:
                errors.append(
                    _error(
                        line,
                        "email",
                        _("The e-mail address %(email)s is also on line %(line)d.")
                        % {"email": row.email, "line": first_line_of_email[row.email]},
                    )
                )
            else:
                first_line_of_email[row.email] = line
            owner = existing.owners.get(row.email)
            if owner is not None and number and owner.employee_number != number:
                if owner.employee_number is not None:
                    errors.append(
                        _error(
                            line,
                            "email",
                            _(
                                "The e-mail address %(email)s belongs to %(name)s "
                                "(employee number %(number)s)."
                            )
                            % {
                                "email": row.email,
                                "name": owner.name,
                                "number": owner.employee_number,
                            },
                        )
                    )
                elif number in existing.managers:
                    # An account without a person can be linked to a new person, not handed
                    # to someone who already has an account.
                    errors.append(
                        _error(
                            line,
                            "email",
                            _("The e-mail address %(email)s belongs to another account.")
                            % {"email": row.email},
                        )
                    )

        boss = row.manager_employee_number
        if boss and boss not in in_file:
            if boss not in existing.managers:
                errors.append(
                    _error(
                        line,
                        "manager_employee_number",
                        _("Unknown manager %(number)s: not in the file and not a person in Stip.")
                        % {"number": boss},
                    )
                )
            elif deactivate_missing:
                errors.append(
                    _error(
                        line,
                        "manager_employee_number",
                        _(
                            "The manager %(number)s is not in the file, so this import would "
                            "deactivate them."
                        )
                        % {"number": boss},
                    )
                )

        if row.team:
            team = row.team.casefold()
            team_names.setdefault(team, row.team)
            if row.parent_team:
                parent = row.parent_team.casefold()
                team_names.setdefault(parent, row.parent_team)
                if parent == team:
                    errors.append(
                        _error(
                            line,
                            "parent_team",
                            _("The team %(team)s cannot be its own parent team.")
                            % {"team": row.team},
                        )
                    )
                elif team in stated_parents and stated_parents[team][0] != parent:
                    other, other_line = stated_parents[team]
                    errors.append(
                        _error(
                            line,
                            "parent_team",
                            _(
                                "Line %(line)d puts the team %(team)s under %(other)s, "
                                "this line under %(parent)s."
                            )
                            % {
                                "line": other_line,
                                "team": row.team,
                                "other": team_names[other],
                                "parent": row.parent_team,
                            },
                        )
                    )
                elif team not in stated_parents:
                    current = existing.teams.get(team, (None, None))[1]
                    if current is not None and current != parent:
                        errors.append(
                            _error(
                                line,
                                "parent_team",
                                _(
                                    "In Stip the team %(team)s is under %(current)s, not "
                                    "under %(parent)s."
                                )
                                % {
                                    "team": row.team,
                                    "current": team_names[current],
                                    "parent": row.parent_team,
                                },
                            )
                        )
                    stated_parents[team] = (parent, line)

        if done % PROGRESS_EVERY == 0:
            report(status=ImportJob.Status.VALIDATING, done=done, total=len(rows))

    managers.pop("", None)
    for cycle in find_cycles(managers):
        errors.extend(
            _error(
                first_line_of_number[number],
                "manager_employee_number",
                _("%(number)s is in a loop in the reporting line: %(loop)s.")
                % {"number": number, "loop": _loop_text(cycle, number)},
            )
            for number in cycle
            if number in first_line_of_number
        )

    team_parents = {team: parent for team, (_name, parent) in existing.teams.items()}
    team_parents.update({team: parent for team, (parent, _line) in stated_parents.items()})
    for cycle in find_cycles(team_parents):
        names = [team_names[team] for team in cycle]
        errors.extend(
            _error(
                stated_parents[team][1],
                "parent_team",
                _("The team %(team)s is in a loop of parent teams: %(loop)s.")
                % {"team": team_names[team], "loop": _loop_text(names, team_names[team])},
            )
            for team in cycle
            if team in stated_parents
        )

    if deactivate_missing and actor is not None:
        own_number = existing.numbers_by_user.get(actor.pk)
        if own_number is not None and own_number not in in_file:
            errors.append(
                _error(
                    None,
                    "",
                    _(
                        "You are not in the file (employee number %(number)s): importing it "
                        "with “deactivate people missing from the file” would lock you out."
                    )
                    % {"number": own_number},
                )
            )
    return errors


# --- Writing ------------------------------------------------------------------------------


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _shown(value: Any) -> Any:
    """A value as the audit log stores it (JSON)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _new_person(row: ImportRow, *, team_id: int | None, unlinked: dict[str, User]) -> Person:
    user = unlinked.get(row.email)
    if user is None:
        user = User(email=row.email, language=row.language or "", is_active=True)
        # Imported people choose their password with "forgot password".
        user.password = make_password(None)
    else:
        user.is_active = True
        user.language = row.language or user.language
    return Person(
        user=user,
        employee_number=row.employee_number,
        first_name=row.first_name,
        last_name=row.last_name,
        team_id=team_id,
        job_title=row.job_title,
        job_level=row.job_level,
        start_date=row.start_date,
        end_date=row.end_date,
        is_active=True,
    )


def _created_values(row: ImportRow) -> dict[str, Any]:
    values = {
        "employee_number": row.employee_number,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "team": row.team,
        "manager": row.manager_employee_number,
        "job_title": row.job_title,
        "job_level": row.job_level,
        "start_date": _iso(row.start_date),
        "end_date": _iso(row.end_date),
        "language": row.language,
    }
    return {key: value for key, value in values.items() if value}


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(
    *,
    rows: list[ImportRow],
    deactivate_missing: bool,
    actor: User | None,
    job: ImportJob | None,
) -> ImportResult:
    """Write a validated file. Runs inside the caller's transaction."""
    result = ImportResult(rows=len(rows))
    now = timezone.now()
    people = {person.employee_number: person for person in Person.objects.select_related("user")}
    number_of = {person.pk: number for number, person in people.items()}
    # Accounts without a person (an administrator, say) are linked to a new person by e-mail.
    unlinked = {user.email.lower(): user for user in User.objects.filter(person__isnull=True)}

    # Teams: create the new ones, then give teams their parent (new teams, and existing teams
    # that had none: validation rejected any other change of parent).
    teams = {team.name.casefold(): team for team in Team.objects.only("pk", "name", "parent")}
    name_of = {team.pk: team.name for team in teams.values()}
    new_teams: dict[str, Team] = {}
    parents: dict[str, str] = {}
    for row in rows:
        for name in (row.team, row.parent_team):
            if name and name.casefold() not in teams and name.casefold() not in new_teams:
                new_teams[name.casefold()] = Team(name=name)
        if row.parent_team:
            parents[row.team.casefold()] = row.parent_team.casefold()
    Team.objects.bulk_create(new_teams.values(), batch_size=BATCH_SIZE)
    if any(team.pk is None for team in new_teams.values()):
        # Databases that cannot return the new ids from a bulk insert.
        new_teams = {
            team.name.casefold(): team
            for team in Team.objects.filter(name__in=[t.name for t in new_teams.values()])
        }
    teams.update(new_teams)
    result.teams_created = len(new_teams)
    reparented = []
    for team_key, parent_key in parents.items():
        team, parent = teams[team_key], teams[parent_key]
        if team.parent_id != parent.pk:
            team.parent_id = parent.pk
            team.updated_at = now
            reparented.append(team)
    Team.objects.bulk_update(reparented, ["parent", "updated_at"], batch_size=BATCH_SIZE)

    def team_id(name: str) -> int | None:
        return teams[name.casefold()].pk if name else None

    # People in the file: new ones, and what changed for the others.
    new_people: list[Person] = []
    new_users: list[User] = []
    created_after: dict[str, dict[str, Any]] = {}
    changed_people: list[Person] = []
    changed_users: list[User] = []
    person_fields: set[str] = set()
    user_fields: set[str] = set()
    updated: list[tuple[Person, dict, dict]] = []
    for row in rows:
        person = people.get(row.employee_number)
        if person is None:
            person = _new_person(row, team_id=team_id(row.team), unlinked=unlinked)
            if person.user.pk is None:
                new_users.append(person.user)
            else:
                changed_users.append(person.user)
                user_fields.update({"is_active", "language"})
            new_people.append(person)
            created_after[row.employee_number] = _created_values(row)
            continue

        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        new_values = {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "team_id": team_id(row.team),
            "job_title": row.job_title,
            "job_level": row.job_level,
            "start_date": row.start_date,
            "end_date": row.end_date,
            # Everyone in the file is active: the person's copy of the account's flag too.
            "is_active": True,
        }
        for attribute, value in new_values.items():
            old = getattr(person, attribute)
            if old != value:
                name = attribute.removesuffix("_id")
                if name == "team":
                    before[name], after[name] = name_of.get(old), row.team or None
                else:
                    before[name], after[name] = _shown(old), _shown(value)
                setattr(person, attribute, value)
                person_fields.add(name)
        # The manager is compared by employee number: a new manager has no id yet.
        old_manager = number_of.get(person.manager_id)
        if old_manager != (row.manager_employee_number or None):
            before["manager"], after["manager"] = old_manager, row.manager_employee_number or None
            person_fields.add("manager")
        if before:
            person.updated_at = now
            changed_people.append(person)

        user = person.user
        user_values: dict[str, Any] = {"email": row.email, "is_active": True}
        if row.language is not None:
            user_values["language"] = row.language
        user_changed = False
        for name, value in user_values.items():
            if getattr(user, name) != value:
                before[name], after[name] = getattr(user, name), value
                setattr(user, name, value)
                user_fields.add(name)
                user_changed = True
        if user_changed:
            changed_users.append(user)
        if before:
            updated.append((person, before, after))
        else:
            result.unchanged += 1

    User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(user_fields), batch_size=BATCH_SIZE)
    for person in new_people:
        person.user_id = person.user.pk
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    for person in new_people:
        people[person.employee_number] = person

    # Now that every person has an id, point them at their managers: new people with a
    # manager in one more bulk update, existing people with the rest of their changes.
    for row in rows:
        person = people[row.employee_number]
        manager = people[row.manager_employee_number] if row.manager_employee_number else None
        person.manager_id = manager.pk if manager else None
    Person.objects.bulk_update(
        [person for person in new_people if person.manager_id is not None],
        ["manager"],
        batch_size=BATCH_SIZE,
    )
    if changed_people:
        Person.objects.bulk_update(
            changed_people, [*sorted(person_fields), "updated_at"], batch_size=BATCH_SIZE
        )

    deactivated: list[Person] = []
    if deactivate_missing:
        in_file = {row.employee_number for row in rows}
        deactivated = [
            person
            for number, person in people.items()
            if number not in in_file and person.user.is_active
        ]
        for chunk in _chunks(deactivated):
            User.objects.filter(pk__in=[person.user_id for person in chunk]).update(is_active=False)
            Person.objects.filter(pk__in=[person.pk for person in chunk]).update(
                is_active=False, updated_at=now
            )

    rebuild_paths(Person, "manager")
    rebuild_paths(Team, "parent")

    result.created = len(new_people)
    result.updated = len(updated)
    result.deactivated = len(deactivated)
    audit_record_many(
        actor=actor,
        action="people.imported_created",
        changes=((person, None, created_after[person.employee_number]) for person in new_people),
    )
    audit_record_many(actor=actor, action="people.imported_updated", changes=updated)
    audit_record_many(
        actor=actor,
        action="people.deactivated",
        changes=((person, {"is_active": True}, {"is_active": False}) for person in deactivated),
    )
    if job is not None:
        audit_record(
            actor=actor,
            action="people.import_applied",
            obj=job,
            after={**result.counts(), "deactivate_missing": deactivate_missing},
        )
    return result


# --- The import as a whole ----------------------------------------------------------------


def people_import(
    *,
    content: str,
    deactivate_missing: bool,
    actor: User | None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the whole file; if it is clean, apply it in one transaction.

    `job` is the upload the import's own audit entry names (the per-person entries are
    written either way). Errors are translated in the active language.
    """
    report = progress or _no_progress
    rows, errors = parse_rows(content)
    report(status=ImportJob.Status.VALIDATING, done=0, total=len(rows))
    if rows:
        errors.extend(
            validate(rows=rows, deactivate_missing=deactivate_missing, actor=actor, progress=report)
        )
    if errors:
        errors.sort(key=lambda error: error["line"] or 0)
        return ImportResult(rows=len(rows), errors=errors)
    report(status=ImportJob.Status.WRITING, done=len(rows), total=len(rows))
    with transaction.atomic():
        return _apply(rows=rows, deactivate_missing=deactivate_missing, actor=actor, job=job)


def import_job_create(
    *,
    actor: User | None,
    filename: str,
    content: str,
    deactivate_missing: bool,
    background: bool = True,
) -> ImportJob:
    """Store an upload and (with `background`) queue the task that imports it once the upload
    is committed. The command passes background=False and runs `import_job_run` itself."""
    if actor is not None and not policies.can_import_people(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if actor is not None and actor.is_authenticated else None,
            filename=filename[:255],
            content=content,
            deactivate_missing=deactivate_missing,
            # The task runs without a request: it writes its messages in this language.
            summary={"language": translation.get_language() or settings.LANGUAGE_CODE},
        )
        if background:
            from stip.people.tasks import people_import_run

            transaction.on_commit(partial(people_import_run.enqueue, job.pk))
    return job


def _language_of(job: ImportJob) -> str:
    user = job.created_by
    if user is not None and user.language:
        return user.language
    return job.summary.get("language") or settings.LANGUAGE_CODE


def import_job_run(*, job: ImportJob) -> ImportResult:
    """Run an upload: validate (with progress the page shows), then apply or reject it.

    Claims the job first, so that a task enqueued twice imports once.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING
    )
    if not claimed:
        logger.warning("Import %s was already started; not running it again.", job.public_id)
        return ImportResult(failed=True)

    def progress(*, status: str, done: int, total: int) -> None:
        # Outside the write transaction, so that the page sees it while the task runs.
        ImportJob.objects.filter(pk=job.pk).update(status=status, rows_done=done, rows_total=total)

    with translation.override(_language_of(job)):
        try:
            result = people_import(
                content=job.content,
                deactivate_missing=job.deactivate_missing,
                actor=job.created_by,
                job=job,
                progress=progress,
            )
        except Exception:
            logger.exception("Import %s failed.", job.public_id)
            result = ImportResult(
                failed=True,
                errors=[
                    _error(
                        None,
                        "",
                        _(
                            "The import stopped because of an unexpected error. Nothing was "
                            "changed. Try again, or ask your administrator to look at the log."
                        ),
                    )
                ],
            )
    fields = ["status", "errors", "summary", "finished_at", "updated_at"]
    job.errors = result.errors[:MAX_STORED_ERRORS]
    job.finished_at = timezone.now()
    if result.failed:
        job.status = ImportJob.Status.FAILED
    else:
        job.rows_total = job.rows_done = result.rows
        fields += ["rows_total", "rows_done"]
        if result.errors:
            job.status = ImportJob.Status.REJECTED
            job.summary = {**job.summary, "rows": result.rows, "error_count": len(result.errors)}
        else:
            job.status = ImportJob.Status.DONE
            job.summary = {**job.summary, **result.counts()}
    job.save(update_fields=fields)
    return result
