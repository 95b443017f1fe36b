"""The conversation pages: parse, fetch through the policies (404 when invisible), call the
service, render. Mutations are POST only and go through `stip.conversations.services`; an htmx
POST gets its section of the meeting page back, a plain POST a redirect to it."""

import datetime
import functools
import uuid
from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from stip.conversations import policies, queries, services, tasks
from stip.conversations.forms import (
    ActionItemForm,
    AgendaItemForm,
    CheckInForm,
    CorrectionForm,
    MeetingForm,
    OverviewForm,
    PrivateNoteForm,
    QuoteForm,
    ReportForm,
    RescheduleForm,
    ResponseForm,
    ScaleForm,
    SeriesEditForm,
    SeriesForm,
    SharedNoteForm,
    TemplateForm,
)
from stip.conversations.models import (
    FORMAL_KINDS,
    ActionItem,
    AgendaItem,
    Cadence,
    CheckInTemplate,
    FormalReport,
    Meeting,
    MeetingKind,
    RatingScale,
    Series,
)
from stip.conversations.pdf import report_filename
from stip.conversations.templatetags.conversations_tags import meeting_title
from stip.core import paging
from stip.core.links import url_with_id_of
from stip.core.policies import is_hr, person_of
from stip.core.rows import dates, labels
from stip.goals.forms import apply_errors
from stip.goals.models import Goal
from stip.people.models import Person

PAGE_SIZE = 25
TEAM_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20


# Fetching ------------------------------------------------------------------------------------


def _meeting(request: HttpRequest, public_id) -> Meeting:
    try:
        return queries.meeting_detail(request.user, public_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _report(request: HttpRequest, public_id) -> FormalReport:
    try:
        return queries.report_detail(request.user, public_id)
    except FormalReport.DoesNotExist:
        raise Http404 from None


def _series(request: HttpRequest, public_id) -> Series:
    return get_object_or_404(
        Series.objects.visible_to(request.user).select_related("manager", "employee"),
        public_id=public_id,
    )


def _me(request: HttpRequest) -> Person:
    """The signed-in person; someone who is not in the organisation has no conversations."""
    me = person_of(request.user)
    if me is None:
        raise Http404
    return me


def _done(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("conversations:meeting", kwargs={"public_id": meeting.public_id})
    return f"{url}#{anchor}" if anchor else url


def report_url(report: FormalReport) -> str:
    return reverse("conversations:report", kwargs={"public_id": report.public_id})


def _other(meeting, me: Person) -> Person:
    return meeting.employee if me.pk == meeting.manager_id else meeting.manager


# Rows of the lists ---------------------------------------------------------------------------


class _DayTexts:
    """Dates and times as the reader's language writes them, each formatted once per list:
    rows share days and times, and formatting is most of a row's cost."""

    def __init__(self):
        self.texts: dict[tuple, str] = {}

    def of(self, value, fmt: str = "DATE_FORMAT") -> str:
        if value is None:
            return ""
        key = (value, fmt)
        if key not in self.texts:
            if isinstance(value, datetime.time):
                self.texts[key] = time_format(value, fmt)
            else:
                self.texts[key] = date_format(value, fmt)
        return self.texts[key]


@dataclass(frozen=True)
class MeetingRow:
    """A meeting as a list of meetings shows it (`conversations_tags.meeting_list`). Its texts
    are made once per list: a page of 45 meetings spent more time formatting each row's dates
    and kind in the template, again and again for the same days, than on its queries."""

    url: str
    title: str
    kind: str
    kind_label: str
    is_held: bool
    day: datetime.date
    month: str
    date_text: str
    time_text: str
    iso: str


def _meeting_rows(meetings_with) -> list[MeetingRow]:
    """The rows of (meeting, the other participant) pairs."""
    kinds = dict(MeetingKind.choices)
    texts = _DayTexts()
    rows = []
    for meeting, other in meetings_with:
        when = timezone.localtime(meeting.scheduled_for)
        day = when.date()
        rows.append(
            MeetingRow(
                url=meeting_url(meeting),
                title=meeting_title(meeting, other),
                kind=meeting.kind,
                kind_label=kinds[meeting.kind],
                is_held=meeting.held_at is not None,
                day=day,
                month=texts.of(day, "M"),
                date_text=texts.of(day),
                time_text=texts.of(when.time(), "TIME_FORMAT"),
                iso=when.isoformat(),
            )
        )
    return rows


@dataclass(frozen=True)
class TeamRow:
    """A direct report as the team page shows them, with their 1:1s' texts made once per
    page (as `MeetingRow`)."""

    person: Person
    series_url: str
    cadence: str
    next_text: str
    is_overdue: bool
    last_text: str
    weeks: int | None


def _team_rows(people, today: datetime.date) -> list[TeamRow]:
    """The rows of `queries.team_rows`."""
    cadences = dict(Cadence.choices)
    dates = _DayTexts()
    rows = []
    for person in people:
        series_url = ""
        if person.series_id:
            series_url = reverse("conversations:series", kwargs={"public_id": person.series_id})
        rows.append(
            TeamRow(
                person=person,
                series_url=series_url,
                cadence=cadences.get(person.series_cadence, ""),
                next_text=dates.of(person.series_next),
                is_overdue=person.series_next is not None and person.series_next < today,
                last_text=dates.of(person.last_held and timezone.localdate(person.last_held)),
                weeks=_weeks_since(person.last_held, today),
            )
        )
    return rows


def _weeks_since(moment, today: datetime.date) -> int | None:
    if moment is None:
        return None
    return max(0, (today - timezone.localtime(moment).date()).days // 7)


# Lists ---------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My conversations: what needs attention (1:1s that did not happen), what is coming, and
    what was, a page at a time."""
    me = person_of(request.user)
    context = {"tab": "mine", "me": me}
    if me is not None:
        overdue = list(queries.overdue_series(request.user)[: queries.OVERDUE_SHOWN])
        upcoming = list(queries.upcoming(request.user)[: queries.UPCOMING_SHOWN])
        page = Paginator(queries.past(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        context.update(
            overdue=[(s, _weeks_since(s.last_held, today), _other(s, me)) for s in overdue],
            upcoming=_meeting_rows((m, _other(m, me)) for m in upcoming),
            page=page,
            past=_meeting_rows((m, _other(m, me)) for m in page.object_list),
            querystring=_without_page(request),
            today=today,
            has_manager=me.manager_id is not None,
        )
    return render(request, "conversations/mine.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """A manager's direct reports: their 1:1 rhythm, the next and the last 1:1."""
    me = _me(request)
    rows = queries.team_rows(request.user, me)
    page = Paginator(rows, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "tab": "team",
        "page": page,
        "rows": _team_rows(page.object_list, today),
        "querystring": _without_page(request),
    }
    return render(request, "conversations/team.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """HR: per manager, how many 1:1s were held in the last 90 days and when the last one
    was. Counts only; no link leads into a conversation."""
    if not policies.can_view_overview(request.user):
        raise Http404
    form = OverviewForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    managers = queries.overview_managers()
    for word in (filters.get("q") or "").split()[:5]:
        managers = managers.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    number = paging.page_number(request.GET.get("page"))
    counted_at = None
    if filters.get("order") == "fewest":
        counted_at = queries.overview_counted_at()
        if services.overview_count_due(counted_at):
            tasks.overview_count.enqueue()
        if counted_at is None:
            # Never counted before: this once, every manager's count is taken here to order
            # them (their ids, one page and one more), then the page's rows.
            ids = queries.by_fewest_held(managers).values_list("pk", flat=True)
            page = paging.page_of(ids, number, size=TEAM_PAGE_SIZE)
            by_id = queries.overview_rows(Person.objects.all()).in_bulk(page.object_list)
            page = replace(page, object_list=[by_id[pk] for pk in page.object_list])
        else:
            ranked = queries.by_counted_fewest_held(queries.overview_rows(managers))
            page = paging.page_of(ranked, number, size=TEAM_PAGE_SIZE)
    else:
        # Not counted: counting every manager reads every person (`core.paging`).
        managers = queries.overview_rows(managers).order_by("last_name", "first_name", "pk")
        page = paging.page_of(managers, number, size=TEAM_PAGE_SIZE)
    context = {
        "tab": "overview",
        "form": form,
        "page": page,
        "rows": page.object_list,
        "days": queries.OVERVIEW_DAYS,
        "counted_at": counted_at,
        "querystring": _without_page(request),
    }
    return render(request, "conversations/overview.html", context)


# Series --------------------------------------------------------------------------------------


@login_required
def series_new(request: HttpRequest) -> HttpResponse:
    """A manager starts 1:1s with a direct report (?employee=), or an employee with their
    manager."""
    me = _me(request)
    # Whom I have no 1:1s with yet: my direct reports and my own manager.
    with_series = Series.objects.active().filter(Q(manager=me) | Q(employee=me))
    reports = Person.objects.current().filter(manager=me)
    people = reports
    if me.manager_id:
        people = reports | Person.objects.current().filter(pk=me.manager_id)
    people = (
        people.exclude(pk__in=with_series.values("employee"))
        .exclude(pk__in=with_series.values("manager"))
        .order_by("last_name", "first_name")
    )
    initial_person = None
    if raw := request.GET.get("employee"):
        initial_person = people.filter(public_id=_uuid(raw)).first()
    form = SeriesForm(
        request.POST or None, people=people, manager=me, initial_person=initial_person
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["employee"]
        manager, employee = (other, me) if other.pk == me.manager_id else (me, other)
        template = form.cleaned_data.get("checkin_template")
        if manager.pk != me.pk:
            template = None  # the manager's default questions
        try:
            series = services.series_start(
                actor=request.user,
                manager=manager,
                employee=employee,
                cadence=form.cleaned_data["cadence"],
                next_date=form.cleaned_data["next_date"],
                time_of_day=form.cleaned_data["time_of_day"],
                checkin_template=template,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(
                request,
                _("1:1s with %(name)s are planned. Add talking points to the first one.")
                % {"name": other.full_name},
            )
            return redirect("conversations:series", public_id=series.public_id)
    return render(request, "conversations/series_form.html", {"form": form, "tab": "mine"})


@login_required
def series_detail(request: HttpRequest, public_id) -> HttpResponse:
    series = _series(request, public_id)
    me = _me(request)
    meetings = queries.series_meetings(series)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(queries.open_items_of_pair(series.manager_id, series.employee_id)[:50])
    other = _other(series, me)
    context = {
        "series": series,
        "other": other,
        "page": page,
        "meetings": _meeting_rows((m, other) for m in page.object_list),
        "querystring": _without_page(request),
        "open_items": items,
        "can_change": policies.can_change_series(request.user, series),
        "today": timezone.localdate(),
    }
    return render(request, "conversations/series.html", context)


@login_required
def series_edit(request: HttpRequest, public_id) -> HttpResponse:
    series = _series(request, public_id)
    if not policies.can_change_series(request.user, series):
        raise Http404
    form = SeriesEditForm(
        request.POST or None,
        initial={
            "cadence": series.cadence,
            "next_date": series.next_date,
            "time_of_day": series.time_of_day,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_edit(series=series, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The 1:1s are changed."))
            return redirect("conversations:series", public_id=series.public_id)
    me = _me(request)
    context = {"series": series, "form": form, "other": _other(series, me)}
    return render(request, "conversations/series_edit.html", context)


@login_required
@require_POST
def series_stop(request: HttpRequest, public_id) -> HttpResponse:
    series = _series(request, public_id)
    if not policies.can_change_series(request.user, series):
        raise Http404
    services.series_stop(series=series, actor=request.user)
    messages.success(request, _("The 1:1s are stopped. Past conversations stay."))
    return redirect("conversations:series", public_id=series.public_id)


# Planning a conversation ---------------------------------------------------------------------


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Start an ad-hoc conversation with my manager or a report; as a manager also a
    performance conversation or an appraisal (?kind=, ?with=)."""
    me = _me(request)
    reports = Person.objects.current().filter(manager=me)
    people = reports
    if me.manager_id:
        people = reports | Person.objects.current().filter(pk=me.manager_id)
    people = people.order_by("last_name", "first_name")
    kinds = [MeetingKind.AD_HOC]
    if reports.exists():
        kinds += list(FORMAL_KINDS)
    kind = request.GET.get("kind")
    if kind not in {k.value for k in kinds}:
        kind = None
    person = None
    if raw := request.GET.get("with"):
        person = people.filter(public_id=_uuid(raw)).first()
    form = MeetingForm(
        request.POST or None, kinds=kinds, people=people, me=me, kind=kind, person=person
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["person"]
        manager, employee = (other, me) if other.pk == me.manager_id else (me, other)
        try:
            meeting = services.meeting_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                manager=manager,
                employee=employee,
                scheduled_for=form.scheduled_for(),
                title=form.cleaned_data.get("title") or "",
                checkin_template=form.cleaned_data.get("checkin_template"),
                rating_scale=form.cleaned_data.get("rating_scale"),
            )
        except PermissionDenied:
            form.add_error(
                "kind", _("Only the manager plans a performance conversation or an appraisal.")
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The conversation is planned."))
            return redirect(meeting_url(meeting))
    return render(request, "conversations/meeting_form.html", {"form": form, "tab": "mine"})


def _uuid(raw):
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.UUID(int=0)


# One meeting ---------------------------------------------------------------------------------


def _agenda_context(request, meeting, items=None, form=None) -> dict:
    items = queries.agenda_rows_of(meeting) if items is None else items
    groups = {"manual": [], "goal": [], "strategic_goal": [], "question": []}
    for item in items:
        source = item["source"]
        groups["goal" if source == AgendaItem.Source.GOAL_CHANGED else source].append(item)
    can_edit = policies.can_edit_agenda(request.user, meeting)
    _agenda_rows(meeting, [groups["manual"], groups["goal"], groups["strategic_goal"]])
    return {
        "meeting": meeting,
        "talking_points": groups["manual"],
        "goal_items": groups["goal"],
        "strategic_items": groups["strategic_goal"],
        "question_items": groups["question"],
        "agenda_form": form or AgendaItemForm(),
        "can_edit_agenda": can_edit,
        "can_mark_discussed": policies.can_mark_discussed(request.user, meeting),
        "user_id": request.user.pk,
    }


def _checkin_context(request, meeting, items, form=None, saved=False) -> dict:
    questions = [i for i in items if i.source == AgendaItem.Source.QUESTION]
    answers = queries.answers_of(meeting) if questions else {}
    can_answer = policies.can_answer_checkin(request.user, meeting)
    if form is None:
        form = CheckInForm(items=questions, answers=answers)
    return {
        "meeting": meeting,
        "checkin_form": form,
        "questions": [(item, answers.get(item.question_id)) for item in questions],
        "can_answer": can_answer,
        "checkin_saved": saved,
    }


def _notes_context(request, meeting, form=None, conflict=None, saved=False) -> dict:
    note = meeting.shared_note
    if form is None:
        form = SharedNoteForm(initial={"text": note.text, "version": note.version})
    return {
        "meeting": meeting,
        "note": note,
        "notes_form": form,
        "conflict": conflict,
        "notes_saved": saved,
    }


def _private_context(request, meeting, form=None, saved=False) -> dict:
    note = queries.private_note_of(request.user, meeting)
    if form is None:
        form = PrivateNoteForm(initial={"text": note.text if note else ""})
    return {
        "meeting": meeting,
        "private_form": form,
        "private_note": note,
        "private_saved": saved,
        "other": _other(meeting, person_of(request.user)),
    }


def _actions_context(request, meeting, form=None) -> dict:
    items = list(queries.action_item_rows(meeting)[: queries.ACTIONS_SHOWN + 1])
    return {
        "meeting": meeting,
        "action_items": _action_rows(meeting, items[: queries.ACTIONS_SHOWN]),
        "more_actions": len(items) > queries.ACTIONS_SHOWN,
        "action_form": form or ActionItemForm(meeting=meeting, me=person_of(request.user)),
        "can_write": policies.can_write_notes(request.user, meeting),
    }


def _agenda_rows(meeting, lists: list[list[dict]]) -> None:
    """The agenda's rows (`queries.agenda_rows_of`) with what `conversations_tags.agenda_items`
    writes of each that the row does not hold: its three links, the labels of its buttons
    (translated once a page), its goal's link and status, its author's name. An include a row
    with three `{% url %}`s and four `{% blocktranslate %}`s was a third of a conversation's
    page."""
    if not any(lists):
        return
    item_url = functools.partial(url_with_id_of, id_name="item_id", public_id=meeting.public_id)
    discussed_url = item_url("conversations:agenda_discussed")
    move_url = item_url("conversations:agenda_move")
    remove_url = item_url("conversations:agenda_remove")
    goal_url = url_with_id_of("goals:detail")
    statuses = labels(Goal.Status)
    discussed, up, down, remove = (
        _("Discussed: “%(text)s”"),
        _("Move “%(text)s” up"),
        _("Move “%(text)s” down"),
        _("Remove “%(text)s”"),
    )
    for items in lists:
        for item in items:
            words = {"text": item["text"]}
            public_id = item["public_id"]
            item["discussed_url"] = discussed_url(public_id)
            item["move_url"] = move_url(public_id)
            item["remove_url"] = remove_url(public_id)
            item["discussed_label"] = discussed % words
            item["up_label"] = up % words
            item["down_label"] = down % words
            item["remove_label"] = remove % words
            if item["goal_id"]:
                item["goal_url"] = goal_url(item["goal__public_id"])
                item["goal_status_label"] = statuses[item["goal__status"]]
            first_name = item["author__person__first_name"]
            item["author_name"] = (
                None
                if first_name is None
                else Person.name_of(first_name, item["author__person__last_name"])
            )


def _action_rows(meeting, items: list[dict]) -> list[dict]:
    """Action items (`queries.action_item_rows`) with what `conversations_tags.action_items`
    writes of each: the link that ticks one off and the words around its dates, each day
    written once. A row's `{% url %}`, three `{% blocktranslate %}`s and three `date` filters
    were most of a conversation's page (finding 7 in docs/performance.md)."""
    if not items:
        return items
    done_url = url_with_id_of(
        "conversations:action_done", id_name="item_id", public_id=meeting.public_id
    )
    today = timezone.localdate()
    day = dates("DATE_FORMAT")
    done_label, due, carried, done = (
        _("Done: “%(text)s”"),
        _("due %(date)s"),
        _("carried over from %(date)s"),
        _("done %(date)s"),
    )
    for item in items:
        item["done_url"] = done_url(item["public_id"])
        item["done_label"] = done_label % {"text": item["text"]}
        item["owner_name"] = Person.name_of(item["owner__first_name"], item["owner__last_name"])
        item["due_text"] = item["carried_text"] = item["done_text"] = ""
        item["overdue"] = False
        if item["due_date"]:
            item["due_text"] = due % {"date": day(item["due_date"])}
            item["overdue"] = not item["done_at"] and item["due_date"] < today
        if item["carried"]:
            scheduled = timezone.localtime(item["meeting__scheduled_for"]).date()
            item["carried_text"] = carried % {"date": day(scheduled)}
        if item["done_at"]:
            item["done_text"] = done % {"date": day(timezone.localtime(item["done_at"]).date())}
    return items


def _render_meeting(request: HttpRequest, meeting: Meeting, **overrides) -> HttpResponse:
    me = person_of(request.user)
    items = queries.agenda_rows_of(meeting)
    today = timezone.localdate()
    # Its day and time as the `date` and `time` filters wrote them, once for the page.
    scheduled = timezone.localtime(meeting.scheduled_for)
    context = {
        "tab": "mine",
        "other": _other(meeting, me),
        "i_am_manager": me.pk == meeting.manager_id,
        "can_change": policies.can_change_meeting(request.user, meeting),
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
        "scheduled_day": scheduled.date(),
        "scheduled_at": scheduled.isoformat(),
        "scheduled_on": date_format(scheduled, "DATE_FORMAT"),
        "scheduled_time": time_format(scheduled, "TIME_FORMAT"),
    }
    context |= _agenda_context(request, meeting, items, form=overrides.get("agenda_form"))
    context |= _checkin_context(request, meeting, items, form=overrides.get("checkin_form"))
    context |= _notes_context(
        request, meeting, form=overrides.get("notes_form"), conflict=overrides.get("conflict")
    )
    context |= _private_context(request, meeting, form=overrides.get("private_form"))
    context |= _actions_context(request, meeting, form=overrides.get("action_form"))
    if meeting.is_formal:
        reports = queries.reports_of(request.user, meeting)
        context["report"] = reports[0] if reports else None
        context["can_write_report"] = policies.can_write_report(request.user, meeting)
    return render(request, "conversations/meeting.html", context)


@login_required
def meeting_detail(request: HttpRequest, public_id) -> HttpResponse:
    try:
        meeting = queries.meeting_page(request.user, public_id)
    except Meeting.DoesNotExist:
        raise Http404 from None
    return _render_meeting(request, meeting)


@login_required
def meeting_edit(request: HttpRequest, public_id) -> HttpResponse:
    """Move the meeting to another day or time."""
    meeting = _meeting(request, public_id)
    if not policies.can_change_meeting(request.user, meeting):
        raise Http404
    local = timezone.localtime(meeting.scheduled_for)
    form = RescheduleForm(request.POST or None, initial={"day": local.date(), "time": local.time()})
    if request.method == "POST" and form.is_valid():
        services.meeting_reschedule(
            meeting=meeting, actor=request.user, scheduled_for=form.scheduled_for()
        )
        messages.success(request, _("The conversation is moved."))
        return redirect(meeting_url(meeting))
    me = person_of(request.user)
    context = {"meeting": meeting, "form": form, "other": _other(meeting, me)}
    return render(request, "conversations/meeting_edit.html", context)


@login_required
@require_POST
def meeting_held(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_change_meeting(request.user, meeting):
        raise Http404
    services.meeting_mark_held(meeting=meeting, actor=request.user)
    if meeting.series_id:
        messages.success(
            request,
            _("Marked as held. The next 1:1 is planned: open action items carry over to it."),
        )
    else:
        messages.success(request, _("Marked as held."))
    return _done(request, meeting_url(meeting))


def _agenda_response(request, meeting, form=None) -> HttpResponse:
    if request.htmx:
        return render(
            request, "conversations/_agenda.html", _agenda_context(request, meeting, form=form)
        )
    if form is not None and form.errors:
        return _render_meeting(request, meeting, agenda_form=form)
    return redirect(meeting_url(meeting, "agenda"))


@login_required
@require_POST
def agenda_add(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise Http404
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(
                meeting=meeting, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            form = None
    return _agenda_response(request, meeting, form)


def _agenda_item(meeting: Meeting, item_id) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting"), meeting=meeting, public_id=item_id
    )


@login_required
@require_POST
def agenda_move(request: HttpRequest, public_id, item_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    item = _agenda_item(meeting, item_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise Http404
    try:
        services.agenda_item_move(
            item=item, actor=request.user, up=request.POST.get("direction") != "down"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_discussed(request: HttpRequest, public_id, item_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    item = _agenda_item(meeting, item_id)
    if not policies.can_mark_discussed(request.user, meeting):
        raise Http404
    services.agenda_item_mark_discussed(
        item=item, actor=request.user, discussed=request.POST.get("discussed") == "1"
    )
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, public_id, item_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    item = _agenda_item(meeting, item_id)
    if not policies.can_remove_agenda_item(request.user, item):
        raise Http404
    services.agenda_item_remove(item=item, actor=request.user)
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_refresh(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_edit_agenda(request.user, meeting):
        raise Http404
    added = services.agenda_refresh_goals(meeting=meeting, actor=request.user)
    if not request.htmx:
        if added:
            messages.success(request, _("Goals added to the agenda: %(n)s.") % {"n": added})
        else:
            messages.info(request, _("The agenda already has every goal that changed."))
    return _agenda_response(request, meeting)


@login_required
@require_POST
def checkin(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_answer_checkin(request.user, meeting):
        raise Http404
    items = [i for i in queries.agenda_of(meeting) if i.source == AgendaItem.Source.QUESTION]
    form = CheckInForm(request.POST, items=items, answers=queries.answers_of(meeting))
    saved = False
    if form.is_valid():
        try:
            services.checkin_answer(meeting=meeting, actor=request.user, answers=form.answers())
        except ValidationError as error:
            apply_errors(error, form)
        else:
            saved = True
            form = None
    if request.htmx:
        context = _checkin_context(request, meeting, items, form=form, saved=saved)
        return render(request, "conversations/_checkin.html", context)
    if not saved:
        return _render_meeting(request, meeting, checkin_form=form)
    messages.success(request, _("Your answers are saved."))
    return redirect(meeting_url(meeting, "checkin"))


@login_required
@require_POST
def shared_notes(request: HttpRequest, public_id) -> HttpResponse:
    """Save the shared notes; a save based on an older version keeps the typed text and shows
    what was saved meanwhile, and the next save (with the new version) wins."""
    meeting = _meeting(request, public_id)
    if not policies.can_write_notes(request.user, meeting):
        raise Http404
    form = SharedNoteForm(request.POST)
    conflict = None
    saved = False
    if form.is_valid():
        try:
            note = services.shared_note_save(
                meeting=meeting,
                actor=request.user,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except services.NoteConflict as error:
            conflict = error.note
            data = request.POST.copy()
            data["version"] = str(conflict.version)
            form = SharedNoteForm(data)
            form.is_valid()
            form.add_error(None, str(error))
            meeting.shared_note = conflict
        except ValidationError as error:
            apply_errors(error, form)
        else:
            meeting.shared_note = note
            saved = True
            form = None
    if request.htmx:
        meeting.revision_count = queries.revisions_of(meeting).count()
        context = _notes_context(request, meeting, form=form, conflict=conflict, saved=saved)
        return render(request, "conversations/_shared_notes.html", context)
    if not saved:
        return _render_meeting(request, meeting, notes_form=form, conflict=conflict)
    messages.success(request, _("The shared notes are saved."))
    return redirect(meeting_url(meeting, "notes"))


@login_required
def notes_history(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    page = Paginator(queries.revisions_of(meeting), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    me = person_of(request.user)
    context = {
        "meeting": meeting,
        "page": page,
        "other": _other(meeting, me),
        "querystring": _without_page(request),
    }
    return render(request, "conversations/notes_history.html", context)


@login_required
@require_POST
def private_note(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_write_notes(request.user, meeting):
        raise Http404
    form = PrivateNoteForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.private_note_save(
                meeting=meeting, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            saved = True
            form = None
    if request.htmx:
        context = _private_context(request, meeting, form=form, saved=saved)
        return render(request, "conversations/_private_note.html", context)
    if not saved:
        return _render_meeting(request, meeting, private_form=form)
    messages.success(request, _("Your private note is saved."))
    return redirect(meeting_url(meeting, "private"))


def _actions_response(request, meeting, form=None) -> HttpResponse:
    if request.htmx:
        return render(
            request, "conversations/_actions.html", _actions_context(request, meeting, form=form)
        )
    if form is not None and form.errors:
        return _render_meeting(request, meeting, action_form=form)
    return redirect(meeting_url(meeting, "actions"))


@login_required
@require_POST
def action_add(request: HttpRequest, public_id) -> HttpResponse:
    meeting = _meeting(request, public_id)
    if not policies.can_write_notes(request.user, meeting):
        raise Http404
    form = ActionItemForm(request.POST, meeting=meeting, me=person_of(request.user))
    if form.is_valid():
        try:
            services.action_item_add(
                meeting=meeting,
                actor=request.user,
                owner=form.chosen_owner(),
                text=form.cleaned_data["text"],
                due_date=form.cleaned_data.get("due_date"),
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            form = None
    return _actions_response(request, meeting, form)


@login_required
@require_POST
def action_done(request: HttpRequest, public_id, item_id) -> HttpResponse:
    """Tick off (or reopen) an action of this meeting or one carried over from an earlier
    meeting of the same two people."""
    meeting = _meeting(request, public_id)
    item = get_object_or_404(
        ActionItem.objects.select_related("meeting"),
        meeting__manager_id=meeting.manager_id,
        meeting__employee_id=meeting.employee_id,
        public_id=item_id,
    )
    if not policies.can_complete_action_item(request.user, item):
        raise Http404
    services.action_item_complete(
        item=item, actor=request.user, done=request.POST.get("done") == "1"
    )
    return _actions_response(request, meeting)


# Formal reports ------------------------------------------------------------------------------


def _template_outline(meeting: Meeting) -> str:
    """A new report starts from the conversation's questions, as headings to write under."""
    questions = AgendaItem.objects.filter(
        meeting=meeting, source=AgendaItem.Source.QUESTION
    ).values_list("text", flat=True)
    return "\n\n".join(f"{text}\n" for text in questions)


@login_required
def report_write(request: HttpRequest, public_id) -> HttpResponse:
    """The manager writes the draft report of a formal conversation, then shares it."""
    meeting = _meeting(request, public_id)
    if not policies.can_write_report(request.user, meeting):
        raise Http404
    draft = (
        FormalReport.objects.filter(meeting=meeting, superseded_by__isnull=True)
        .select_related("rating")
        .order_by("-version")
        .first()
    )
    if draft is not None and draft.is_shared:
        return redirect(report_url(draft))
    initial = (
        {"text": draft.text, "rating": draft.rating}
        if draft is not None
        else {"text": _template_outline(meeting)}
    )
    form = ReportForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        share = request.POST.get("share") == "1"
        try:
            report = services.report_write(
                meeting=meeting,
                actor=request.user,
                text=form.cleaned_data["text"],
                rating=form.cleaned_data.get("rating"),
            )
            if share:
                services.report_share(report=report, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            if share:
                messages.success(
                    request,
                    _("The report is shared with %(name)s.") % {"name": meeting.employee},
                )
            else:
                messages.success(request, _("The draft is saved. Only you can read it."))
            return redirect(report_url(report))
    context = {"meeting": meeting, "form": form, "draft": draft}
    return render(request, "conversations/report_form.html", context)


def _render_report(request: HttpRequest, report: FormalReport, **extra) -> HttpResponse:
    user = request.user
    versions = queries.report_versions(user, report)
    context = {
        "report": report,
        "meeting": report.meeting,
        "versions": versions,
        "current": versions[0] if versions else report,
        "quotes": list(report.quotes.select_related("source_meeting")),
        "can_edit": policies.can_edit_report(user, report),
        "can_share": policies.can_share_report(user, report),
        "can_respond": policies.can_respond_to_report(user, report),
        "can_correct": policies.can_correct_report(user, report),
        "can_quote": policies.can_quote_into_report(user, report),
        "response_form": extra.pop("response_form", None)
        or ResponseForm(initial={"response": report.employee_response}),
        "is_participant": policies.can_view_meeting(user, report.meeting),
        **extra,
    }
    return render(request, "conversations/report.html", context)


@login_required
def report_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _render_report(request, _report(request, public_id))


@login_required
@require_POST
def report_share(request: HttpRequest, public_id) -> HttpResponse:
    report = _report(request, public_id)
    if not policies.can_share_report(request.user, report):
        raise Http404
    try:
        services.report_share(report=report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            reverse("conversations:report_write", kwargs={"public_id": report.meeting.public_id})
        )
    messages.success(
        request, _("The report is shared with %(name)s.") % {"name": report.meeting.employee}
    )
    return redirect(report_url(report))


@login_required
@require_POST
def report_respond(request: HttpRequest, public_id) -> HttpResponse:
    report = _report(request, public_id)
    if not policies.can_respond_to_report(request.user, report):
        raise Http404
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.report_respond(
                report=report, actor=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Your response is saved with the report."))
            return redirect(report_url(report))
    return _render_report(request, report, response_form=form)


@login_required
@require_POST
def report_acknowledge(request: HttpRequest, public_id) -> HttpResponse:
    report = _report(request, public_id)
    if not policies.can_acknowledge_report(request.user, report):
        raise Http404
    services.report_acknowledge(report=report, actor=request.user)
    messages.success(
        request, _("You acknowledged the report. It is locked now, with today's date.")
    )
    return redirect(report_url(report))


@login_required
def report_correct(request: HttpRequest, public_id) -> HttpResponse:
    report = _report(request, public_id)
    if not policies.can_correct_report(request.user, report):
        raise Http404
    form = CorrectionForm(
        request.POST or None,
        meeting=report.meeting,
        initial={"text": report.text, "rating": report.rating},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.report_correct(
                report=report,
                actor=request.user,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                rating=form.cleaned_data.get("rating"),
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(
                request,
                _("Version %(version)s is written. Share it so that it can be acknowledged.")
                % {"version": new.version},
            )
            return redirect(report_url(new))
    context = {"report": report, "meeting": report.meeting, "form": form}
    return render(request, "conversations/report_correct.html", context)


@login_required
def report_quote(request: HttpRequest, public_id) -> HttpResponse:
    """The deliberate copy across the wall: the manager picks one of the pair's development
    conversations (?source=) and copies a passage of its shared notes into the appraisal."""
    report = _report(request, public_id)
    if not policies.can_quote_into_report(request.user, report):
        raise Http404
    sources = queries.quotable_meetings(report)
    source = None
    raw = request.POST.get("source") or request.GET.get("source")
    if raw:
        source = sources.filter(public_id=_uuid(raw)).first()
        if source is None or not policies.can_quote_from(request.user, source, report):
            raise Http404
    form = QuoteForm(request.POST or None)
    if request.method == "POST" and source is not None and form.is_valid():
        try:
            services.report_quote_note(
                report=report,
                actor=request.user,
                source=source,
                passage=form.cleaned_data["passage"],
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The passage is quoted in the report, with its source."))
            return redirect(
                reverse(
                    "conversations:report_write", kwargs={"public_id": report.meeting.public_id}
                )
            )
    page = Paginator(sources, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "meeting": report.meeting,
        "page": page,
        "source": source,
        "form": form,
        "querystring": _without_page(request),
    }
    return render(request, "conversations/report_quote.html", context)


@login_required
def report_pdf(request: HttpRequest, public_id) -> HttpResponse:
    report = _report(request, public_id)
    content = services.report_export(report=report, actor=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response


# Templates and scales ------------------------------------------------------------------------


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    listed = policies.templates_visible_to(
        CheckInTemplate.objects.filter(archived_at__isnull=True).select_related("owner"),
        request.user,
    ).order_by(F("owner").asc(nulls_first=True), "kind", "name", "pk")
    page = Paginator(listed, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tab": "templates",
        "page": page,
        "me": me,
        "querystring": _without_page(request),
        "can_create": policies.can_create_template(request.user, organisation=False),
    }
    return render(request, "conversations/templates.html", context)


@login_required
def template_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if not policies.can_create_template(request.user, organisation=False):
        raise Http404
    hr = is_hr(request.user)
    form = TemplateForm(request.POST or None, organisation_choice=hr)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_template_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                questions=form.lines(),
                organisation=hr and form.cleaned_data.get("organisation", False),
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The questions are saved."))
            return redirect("conversations:templates")
    context = {"form": form, "template": None, "me": me, "tab": "templates"}
    return render(request, "conversations/template_form.html", context)


@login_required
def template_edit(request: HttpRequest, public_id) -> HttpResponse:
    template = get_object_or_404(
        CheckInTemplate.objects.filter(archived_at__isnull=True), public_id=public_id
    )
    if not policies.can_edit_template(request.user, template):
        raise Http404
    form = TemplateForm(request.POST or None, template=template)
    if request.method == "POST":
        if request.POST.get("archive") == "1":
            services.checkin_template_archive(template=template, actor=request.user)
            messages.success(request, _("The template is archived."))
            return redirect("conversations:templates")
        if form.is_valid():
            try:
                services.checkin_template_edit(
                    template=template,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    questions=form.lines(),
                )
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, _("The questions are saved."))
                return redirect("conversations:templates")
    context = {"form": form, "template": template, "tab": "templates"}
    return render(request, "conversations/template_form.html", context)


@login_required
def scales(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_rating_scales(request.user):
        raise Http404
    listed = RatingScale.objects.filter(archived_at__isnull=True).prefetch_related("levels")
    context = {"tab": "scales", "scales": list(listed.order_by("name", "pk")[:100])}
    return render(request, "conversations/scales.html", context)


@login_required
def scale_new(request: HttpRequest) -> HttpResponse:
    return _scale_form(request, None)


@login_required
def scale_edit(request: HttpRequest, public_id) -> HttpResponse:
    scale = get_object_or_404(RatingScale, public_id=public_id)
    return _scale_form(request, scale)


def _scale_form(request: HttpRequest, scale: RatingScale | None) -> HttpResponse:
    if not policies.can_manage_rating_scales(request.user):
        raise Http404
    form = ScaleForm(request.POST or None, scale=scale)
    in_use = scale is not None and Meeting.objects.filter(rating_scale=scale).exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_scale_save(
                actor=request.user,
                name=form.cleaned_data["name"],
                levels=form.cleaned_data["levels"],
                is_default=form.cleaned_data["is_default"],
                scale=scale,
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The rating scale is saved."))
            return redirect("conversations:scales")
    context = {"form": form, "scale": scale, "in_use": in_use, "tab": "scales"}
    return render(request, "conversations/scale_form.html", context)
