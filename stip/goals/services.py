"""Every change to goals. Views, the API and commands call these; nothing else saves a goal.

Each service checks its policy (PermissionDenied for a caller who may not act), validates
(ValidationError with messages per field, translated), writes in one transaction with an audit
entry, and refuses a change based on an outdated version (ConcurrentEdit).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stip.core.audit import audit_record
from stip.core.policies import person_of
from stip.goals import policies
from stip.goals.models import Goal, GoalComment, GoalUpdate, KeyResult
from stip.goals.progress import key_result_progress, rolled_up_progress, rounded, weighted_progress
from stip.people.models import Person, Team

CENT = Decimal("0.01")
# How deep alignment may go; a chain this long is a loop or a mistake.
MAX_ALIGNMENT_DEPTH = 20

GOAL_FIELDS = (
    "title",
    "description",
    "kind",
    "visibility",
    "period",
    "start_date",
    "end_date",
    "parent",
    "progress_mode",
)


class ConcurrentEdit(Exception):
    """Someone else changed the goal after the caller loaded it."""

    def __init__(self, goal: Goal):
        super().__init__(
            _(
                "Someone else changed this goal while you were editing it. Your changes are "
                "kept below: check the goal's current state and save again."
            )
        )
        self.goal = goal


@dataclass(frozen=True)
class KeyResultInput:
    title: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal | None = None
    unit: str = KeyResult.Unit.NUMBER
    weight: Decimal = Decimal(1)


def _snapshot(goal: Goal) -> dict:
    data = {}
    for name in (*GOAL_FIELDS, "status", "progress", "is_strategic"):
        value = getattr(goal, "parent_id" if name == "parent" else name)
        data[name] = value if isinstance(value, str | int | bool | type(None)) else str(value)
    return data


def _owner_user(goal: Goal):
    return goal.owner.user if goal.level == Goal.Level.PERSONAL and goal.owner_id else None


def default_progress_mode(kind: str) -> str:
    if kind in (Goal.Kind.OBJECTIVE, Goal.Kind.KPI):
        return Goal.ProgressMode.KEY_RESULTS
    return Goal.ProgressMode.MANUAL


def _validate_goal(goal: Goal, *, actor, parent_kept: bool = False) -> None:
    """Raise ValidationError with every rule `goal` breaks. A parent kept as it was is not
    checked again for who may see it: an editor who cannot see the goal this one contributes
    to may still change its title, and that alignment stays."""
    errors: dict[str, list[str]] = {}
    if not goal.title.strip():
        errors.setdefault("title", []).append(_("Give the goal a title."))
    if goal.start_date and goal.end_date and goal.end_date < goal.start_date:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))
    if goal.kind == Goal.Kind.DEVELOPMENT and goal.level != Goal.Level.PERSONAL:
        errors.setdefault("kind", []).append(_("A development goal belongs to one person."))
    if goal.level == Goal.Level.ORGANISATION and goal.visibility != Goal.Visibility.ORGANISATION:
        errors.setdefault("visibility", []).append(
            _("An organisation goal is visible to the whole organisation.")
        )
    if goal.parent_id and not parent_kept:
        parent = goal.parent
        if goal.pk and parent.pk == goal.pk:
            errors.setdefault("parent", []).append(_("A goal cannot contribute to itself."))
        elif goal.pk and _is_descendant(parent, goal):
            errors.setdefault("parent", []).append(
                _("This would make a loop: that goal already contributes to this one.")
            )
        elif not policies.can_align_to(actor, goal_owner_user=_owner_user(goal), parent=parent):
            errors.setdefault("parent", []).append(
                _("The goal's owner cannot see that goal, so it cannot contribute to it.")
            )
    if errors:
        raise ValidationError(errors)


def _is_descendant(candidate: Goal, ancestor: Goal) -> bool:
    """Whether `candidate` is (at any depth) aligned under `ancestor`: walk up from it."""
    seen: set[int] = set()
    current_id = candidate.pk
    for _depth in range(MAX_ALIGNMENT_DEPTH):
        if current_id is None:
            return False
        if current_id == ancestor.pk:
            return True
        if current_id in seen:
            return True
        seen.add(current_id)
        current_id = Goal.objects.filter(pk=current_id).values_list("parent_id", flat=True).first()
    return True


def _validate_key_result(data: KeyResultInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors.setdefault("title", []).append(_("Give the key result a title."))
    if data.target_value == data.start_value:
        errors.setdefault("target_value", []).append(
            _("The target must differ from the start value.")
        )
    if data.weight < 0:
        errors.setdefault("weight", []).append(_("The weight cannot be negative."))
    if data.unit == KeyResult.Unit.YES_NO:
        for field, value in (
            ("start_value", data.start_value),
            ("target_value", data.target_value),
        ):
            if value not in (0, 1):
                errors.setdefault(field, []).append(_("A yes/no result is 0 (no) or 1 (yes)."))
    if data.unit == KeyResult.Unit.PERCENT:
        for field, value in (
            ("start_value", data.start_value),
            ("target_value", data.target_value),
        ):
            if not 0 <= value <= 100:
                errors.setdefault(field, []).append(_("A percentage is between 0 and 100."))
    return errors


def _recompute(goal: Goal) -> Decimal:
    """The goal's progress from its key results, its children or as set by hand."""
    if goal.progress_mode == Goal.ProgressMode.KEY_RESULTS:
        results = list(goal.key_results.all())
        if not results:
            return goal.progress
        return weighted_progress(
            (
                key_result_progress(
                    start=r.start_value, target=r.target_value, current=r.current_value
                ),
                r.weight,
            )
            for r in results
        )
    if goal.progress_mode == Goal.ProgressMode.CHILDREN:
        children = goal.children.exclude(status=Goal.Status.DROPPED).values_list(
            "progress", flat=True
        )
        return rolled_up_progress(children)
    return goal.progress


def _roll_up(goal: Goal) -> None:
    """Recompute the ancestors that roll their progress up from their children."""
    parent_id = goal.parent_id
    for _depth in range(MAX_ALIGNMENT_DEPTH):
        if parent_id is None:
            return
        parent = Goal.objects.select_for_update(of=("self",)).filter(pk=parent_id).first()
        if parent is None or parent.progress_mode != Goal.ProgressMode.CHILDREN:
            return
        progress = _recompute(parent)
        if progress != parent.progress:
            Goal.objects.filter(pk=parent.pk).update(progress=progress, updated_at=timezone.now())
        parent_id = parent.parent_id


def _lock(goal: Goal, version: int | None) -> Goal:
    # Lock the goal row only: the joined owner and team are read, not locked (PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join).
    locked = (
        Goal.objects.select_for_update(of=("self",))
        .select_related("owner__user", "team")
        .get(pk=goal.pk)
    )
    if version is not None and locked.version != version:
        raise ConcurrentEdit(locked)
    return locked


def _bump(goal: Goal, fields: list[str]) -> None:
    goal.version = F("version") + 1
    goal.save(update_fields=[*fields, "version", "updated_at"])
    goal.refresh_from_db(fields=["version"])


@transaction.atomic
def goal_create(
    *,
    actor,
    level: str,
    title: str,
    kind: str,
    visibility: str,
    period: str,
    start_date: datetime.date,
    end_date: datetime.date,
    owner: Person | None = None,
    team: Team | None = None,
    description: str = "",
    parent: Goal | None = None,
    progress_mode: str | None = None,
    is_strategic: bool = False,
    key_results: list[KeyResultInput] = (),
) -> Goal:
    if level == Goal.Level.PERSONAL:
        owner = owner or person_of(actor)
        team = None
    elif level == Goal.Level.TEAM:
        owner = None
    else:
        owner = team = None
        visibility = Goal.Visibility.ORGANISATION
    # Before the policy, which cannot judge a goal without its owner or team; and without
    # these checks HR's request would reach the database's constraint as an IntegrityError.
    if level == Goal.Level.PERSONAL and owner is None:
        raise ValidationError({"owner": [_("Choose whose goal this is.")]})
    if level == Goal.Level.TEAM and team is None:
        raise ValidationError({"team": [_("Choose the team this goal belongs to.")]})
    if not policies.can_create_goal(actor, level=level, owner=owner, team=team):
        raise PermissionDenied
    if is_strategic and not policies.can_mark_strategic(actor):
        raise PermissionDenied
    goal = Goal(
        title=title.strip(),
        description=description.strip(),
        level=level,
        owner=owner,
        team=team,
        created_by=actor,
        kind=kind,
        visibility=visibility,
        period=period,
        start_date=start_date,
        end_date=end_date,
        parent=parent,
        progress_mode=progress_mode or default_progress_mode(kind),
        is_strategic=is_strategic,
    )
    # Every mistake at once: the goal's fields and each key result's, so that a form can show
    # them all after one submit.
    errors: dict[str, list[str]] = {}
    try:
        _validate_goal(goal, actor=actor)
    except ValidationError as error:
        errors.update(error.message_dict)
    for index, data in enumerate(key_results):
        for field, messages in _validate_key_result(data).items():
            errors[f"key_results.{index}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    goal.save()
    KeyResult.objects.bulk_create(
        _key_result(goal, data, position=index) for index, data in enumerate(key_results)
    )
    progress = _recompute(goal)
    if progress != goal.progress:
        goal.progress = progress
        goal.save(update_fields=["progress"])
    _roll_up(goal)
    audit_record(actor=actor, action="goals.goal_created", obj=goal, after=_snapshot(goal))
    return goal


def _key_result(goal: Goal, data: KeyResultInput, *, position: int) -> KeyResult:
    return KeyResult(
        goal=goal,
        title=data.title.strip(),
        unit=data.unit,
        direction=_direction(data.start_value, data.target_value),
        start_value=data.start_value,
        target_value=data.target_value,
        current_value=data.start_value if data.current_value is None else data.current_value,
        weight=data.weight,
        position=position,
    )


def _direction(start: Decimal, target: Decimal) -> str:
    return KeyResult.Direction.INCREASE if target > start else KeyResult.Direction.DECREASE


@transaction.atomic
def goal_edit(*, goal: Goal, actor, version: int | None, **changes) -> Goal:
    """Change any of GOAL_FIELDS. `version` is the one the editor loaded (None: no check)."""
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, version)
    before = _snapshot(locked)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    old_parent_id = locked.parent_id
    for name, value in changes.items():
        setattr(
            locked,
            name,
            value.strip() if isinstance(value, str) and name in {"title", "description"} else value,
        )
    if locked.level == Goal.Level.ORGANISATION:
        locked.visibility = Goal.Visibility.ORGANISATION
    _validate_goal(locked, actor=actor, parent_kept=locked.parent_id == old_parent_id)
    locked.progress = _recompute(locked)
    _bump(locked, [*changes, "progress"])
    _roll_up(locked)
    if old_parent_id and old_parent_id != locked.parent_id:
        old_parent = Goal.objects.filter(pk=old_parent_id).first()
        if old_parent is not None:
            _roll_up_from(old_parent)
    audit_record(
        actor=actor, action="goals.goal_edited", obj=locked, before=before, after=_snapshot(locked)
    )
    return locked


def _roll_up_from(goal: Goal) -> None:
    """Recompute `goal` itself (when it rolls up) and its ancestors."""
    if goal.progress_mode == Goal.ProgressMode.CHILDREN:
        progress = _recompute(goal)
        Goal.objects.filter(pk=goal.pk).update(progress=progress)
    _roll_up(goal)


@transaction.atomic
def key_result_add(*, goal: Goal, actor, data: KeyResultInput) -> KeyResult:
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, None)
    errors = _validate_key_result(data)
    if errors:
        raise ValidationError(errors)
    position = locked.key_results.count()
    result = _key_result(locked, data, position=position)
    result.save()
    locked.progress = _recompute(locked)
    _bump(locked, ["progress"])
    _roll_up(locked)
    audit_record(
        actor=actor,
        action="goals.key_result_added",
        obj=locked,
        after={"key_result": str(result.public_id), "title": result.title},
    )
    return result


@transaction.atomic
def key_result_remove(*, key_result: KeyResult, actor) -> None:
    goal = key_result.goal
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, None)
    title = key_result.title
    key_result.delete()
    locked.progress = _recompute(locked)
    _bump(locked, ["progress"])
    _roll_up(locked)
    audit_record(
        actor=actor, action="goals.key_result_removed", obj=locked, before={"title": title}
    )


def parse_value(raw, *, unit: str) -> Decimal:
    """A value typed by a person, in its unit: '1.234,5', '12%', '€ 40', 'yes'."""
    if isinstance(raw, Decimal | int):
        return Decimal(raw)
    text = str(raw).strip().lower().replace("€", "").replace("%", "").replace(" ", "")
    if unit == KeyResult.Unit.YES_NO:
        if text in {"1", "yes", "ja", "true", "done", "klaar"}:
            return Decimal(1)
        if text in {"0", "no", "nee", "false", ""}:
            return Decimal(0)
        raise ValidationError(_("Enter yes or no."))
    if "," in text and "." in text:
        # Dutch thousands separators: 1.234,5
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValidationError(_("Enter a number."))
    return value


@transaction.atomic
def goal_update_progress(
    *,
    goal: Goal,
    actor,
    version: int | None,
    status: str,
    comment: str = "",
    values: dict[str, Decimal] | None = None,
    progress: Decimal | None = None,
) -> GoalUpdate:
    """A progress update: new key-result values (by public id) or, for a goal whose progress
    is set by hand, a new percentage; a status; a comment. Kept in the goal's history."""
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, version)
    if locked.is_closed:
        raise ValidationError({"status": [_("This goal is closed; reopen it to update it.")]})
    if status not in Goal.OPEN_STATUSES:
        raise ValidationError({"status": [_("Choose on track, at risk or off track.")]})
    results = {str(r.public_id): r for r in locked.key_results.all()}
    values = values or {}
    unknown = set(values) - set(results)
    if unknown:
        raise ValidationError({"values": [_("Unknown key result.")]})
    for public_id, value in values.items():
        result = results[public_id]
        if result.unit == KeyResult.Unit.YES_NO and value not in (0, 1):
            raise ValidationError({f"values.{public_id}": [_("A yes/no result is 0 or 1.")]})
        if result.unit == KeyResult.Unit.PERCENT and not 0 <= value <= 100:
            raise ValidationError(
                {f"values.{public_id}": [_("A percentage is between 0 and 100.")]}
            )
        result.current_value = Decimal(value).quantize(CENT)
    KeyResult.objects.bulk_update([results[p] for p in values], ["current_value"])
    if locked.progress_mode == Goal.ProgressMode.MANUAL:
        if progress is None:
            progress = locked.progress
        if not 0 <= progress <= 100:
            raise ValidationError({"progress": [_("Progress is between 0 and 100%.")]})
        if locked.kind == Goal.Kind.BINARY and progress not in (0, 100):
            raise ValidationError({"progress": [_("A done/not done goal is 0% or 100%.")]})
        locked.progress = rounded(Decimal(progress))
    else:
        locked.progress = _recompute(locked)
    locked.status = status
    locked.last_update_at = timezone.now()
    _bump(locked, ["progress", "status", "last_update_at"])
    update = GoalUpdate.objects.create(
        goal=locked,
        author=actor,
        progress=locked.progress,
        status=status,
        comment=comment.strip(),
        values=[
            {"key_result": public_id, "title": r.title, "value": str(r.current_value)}
            for public_id, r in results.items()
        ],
    )
    _roll_up(locked)
    audit_record(
        actor=actor,
        action="goals.progress_updated",
        obj=locked,
        after={"progress": str(locked.progress), "status": status},
    )
    return update


@transaction.atomic
def goal_comment(*, goal: Goal, author, text: str) -> GoalComment:
    if not policies.can_comment_goal(author, goal):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": [_("Write a comment first.")]})
    return GoalComment.objects.create(goal=goal, author=author, text=text.strip())


@transaction.atomic
def goal_set_strategic(*, goal: Goal, actor, strategic: bool) -> Goal:
    if not policies.can_mark_strategic(actor):
        raise PermissionDenied
    locked = _lock(goal, None)
    if locked.is_strategic != strategic:
        locked.is_strategic = strategic
        _bump(locked, ["is_strategic"])
        audit_record(
            actor=actor,
            action="goals.strategic_set" if strategic else "goals.strategic_unset",
            obj=locked,
            before={"is_strategic": not strategic},
            after={"is_strategic": strategic},
        )
    return locked


@transaction.atomic
def goal_close(
    *, goal: Goal, actor, version: int | None, outcome: str, reflection: str = ""
) -> Goal:
    """Close a goal at the end of its period: achieved, missed or dropped, with a reflection."""
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, version)
    if outcome not in Goal.CLOSED_STATUSES:
        raise ValidationError({"outcome": [_("Choose achieved, missed or dropped.")]})
    if locked.closed_at is not None:
        raise ValidationError({"outcome": [_("This goal is already closed.")]})
    before = _snapshot(locked)
    locked.status = outcome
    locked.reflection = reflection.strip()
    locked.closed_at = timezone.now()
    _bump(locked, ["status", "reflection", "closed_at"])
    _roll_up(locked)
    audit_record(
        actor=actor, action="goals.goal_closed", obj=locked, before=before, after=_snapshot(locked)
    )
    return locked


@transaction.atomic
def goal_reopen(*, goal: Goal, actor) -> Goal:
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, None)
    if locked.closed_at is None and locked.status != Goal.Status.DROPPED:
        return locked
    locked.closed_at = None
    locked.status = Goal.Status.ON_TRACK
    _bump(locked, ["closed_at", "status"])
    _roll_up(locked)
    audit_record(actor=actor, action="goals.goal_reopened", obj=locked)
    return locked


def next_period(goal: Goal) -> tuple[datetime.date, datetime.date]:
    """The period after the goal's: the next quarter, year, or a custom period as long."""
    start = goal.end_date + datetime.timedelta(days=1)
    if goal.period == Goal.Period.QUARTER:
        month = start.month + 3
        year = start.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return start, datetime.date(year, month, 1) - datetime.timedelta(days=1)
    if goal.period == Goal.Period.YEAR:
        return start, datetime.date(start.year, 12, 31)
    return start, start + (goal.end_date - goal.start_date)


@transaction.atomic
def goal_carry_over(*, goal: Goal, actor, reflection: str = "") -> Goal:
    """Continue an unfinished goal in the next period: the old one closes as missed, the new
    one starts where it stopped (key results start at their current values)."""
    if not policies.can_edit_goal(actor, goal):
        raise PermissionDenied
    locked = _lock(goal, None)
    if locked.status == Goal.Status.ACHIEVED:
        raise ValidationError({"outcome": [_("An achieved goal needs no carrying over.")]})
    start, end = next_period(locked)
    new = Goal.objects.create(
        title=locked.title,
        description=locked.description,
        level=locked.level,
        owner=locked.owner,
        team=locked.team,
        created_by=actor,
        kind=locked.kind,
        visibility=locked.visibility,
        period=locked.period,
        start_date=start,
        end_date=end,
        parent=locked.parent,
        progress_mode=locked.progress_mode,
        is_strategic=locked.is_strategic,
        progress=locked.progress if locked.progress_mode == Goal.ProgressMode.MANUAL else 0,
        carried_over_from=locked,
    )
    carried = []
    for result in locked.key_results.all():
        if result.current_value == result.target_value:
            continue
        carried.append(
            KeyResult(
                goal=new,
                title=result.title,
                unit=result.unit,
                direction=result.direction,
                start_value=result.current_value,
                target_value=result.target_value,
                current_value=result.current_value,
                weight=result.weight,
                position=result.position,
            )
        )
    KeyResult.objects.bulk_create(carried)
    new.progress = _recompute(new)
    new.save(update_fields=["progress"])
    if locked.closed_at is None:
        locked.status = Goal.Status.MISSED
        locked.reflection = reflection.strip() or locked.reflection
        locked.closed_at = timezone.now()
        _bump(locked, ["status", "reflection", "closed_at"])
    audit_record(
        actor=actor,
        action="goals.goal_carried_over",
        obj=locked,
        after={"new_goal": str(new.public_id), "start_date": str(start), "end_date": str(end)},
    )
    return new
