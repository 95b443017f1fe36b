"""The goal pages: parse, fetch through `visible_to` (404 when invisible), call the service,
render. Mutations are POST only and go through `stip.goals.services`."""

import dataclasses
import uuid
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from stip.core import paging
from stip.core.links import url_with_id_of
from stip.core.policies import person_of
from stip.core.rows import Row, dates, labels
from stip.goals import policies, queries, services
from stip.goals.forms import (
    CarryOverForm,
    CloseForm,
    CommentForm,
    GoalForm,
    KeyResultForm,
    KeyResultFormSet,
    PeriodFilterForm,
    ProgressForm,
    SearchForm,
    TeamPageForm,
    apply_errors,
    sets_team_goals,
)
from stip.goals.models import Goal, KeyResult
from stip.goals.templatetags.goals_tags import (
    progress_bar,
    strategic_badge_markup,
    whole_percent,
)
from stip.people import queries as people_queries
from stip.people.models import Person, Team

PAGE_SIZE = 50
# Goals aligned below one goal, listed on its page; the tree pages through the rest.
CHILDREN_SHOWN = 50
# Progress updates listed on a goal's page, newest first, until someone asks for all of them:
# 100 rows took 50-58 ms to render at 10,000 people (for 0.9 ms of SQL).
HISTORY_SHOWN = 20
# Progress updates the chart draws, the newest.
HISTORY_CHARTED = 100
# Reports named in "no update in N weeks" on the team page.
STALE_SHOWN = 50
TEAM_GOALS_SHOWN = 50


# Fetching ------------------------------------------------------------------------------------


def _visible_goal(request: HttpRequest, public_id) -> Goal:
    try:
        return queries.goal_detail(request.user, public_id)
    except Goal.DoesNotExist:
        raise Http404 from None


def _editable_goal(request: HttpRequest, public_id) -> Goal:
    """A goal the user may change; one they may only see answers 404 like one they may not."""
    goal = _visible_goal(request, public_id)
    if not policies.can_edit_goal(request.user, goal):
        raise Http404
    return goal


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or for htmx a client-side redirect."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _detail_url(goal: Goal) -> str:
    return reverse("goals:detail", kwargs={"public_id": goal.public_id})


# Lists ---------------------------------------------------------------------------------------


def _goal_rows(goals, *, due: bool = True, updates: bool = True) -> list[Row]:
    """The rows of a list of goals (`for_rows()` or `for_items()`, values), with what a row of
    `_goal_table.html`, an item or a node of the tree shows besides them, made here once a
    row: its link, whose it is (and their link), the due day and whether it is overdue, the
    last update's moment, the strategic badge, its labels, and the progress as the bar draws
    it. A row's two `{% url %}`s, four includes and five filters cost ~0.4 ms (finding 7 in
    docs/performance.md). A node of the tree with aligned goals gets the link that opens
    them, a row whose aligned-to goal the viewer may see (`parent_visible`) its link."""
    rows = [Row(values) for values in goals]
    detail, profile = url_with_id_of("goals:detail"), url_with_id_of("people:profile")
    children = url_with_id_of("goals:children")
    today = timezone.localdate()
    organisation = _("The organisation")
    ago = _("%(time)s ago")
    kinds, levels, statuses = labels(Goal.Kind), labels(Goal.Level), labels(Goal.Status)
    day, moment, progress = dates("DATE_FORMAT"), dates("DATETIME_FORMAT"), _("Progress")
    zone = timezone.get_current_timezone()
    personal, team = Goal.Level.PERSONAL.value, Goal.Level.TEAM.value
    strategic = strategic_badge_markup()
    # Read and written as the dict it is: `row.x` is a Python call each, ~20 a row.
    for g in rows:
        level, status = g["level"], g["status"]
        is_closed = Goal.closed(g["closed_at"], status)
        if level == personal:
            whose = Person.name_of(g["owner__first_name"], g["owner__last_name"])
            whose_url = profile(g["owner__public_id"])
        else:
            whose, whose_url = (g["team__name"] if level == team else organisation), ""
        parent_visible = g["parent_id"] is not None and g.get("parent_visible", False)
        visible_children = g.get("visible_children", 0)
        g.update(
            url=detail(g["public_id"]),
            kind_label=kinds[g["kind"]],
            level_label=levels[level],
            status_label=statuses[status],
            is_closed=is_closed,
            team_name=g["team__name"],
            whose=whose,
            whose_url=whose_url,
            bar=progress_bar(g["progress"], status, progress),
            badge=strategic if g["is_strategic"] else "",
            parent_visible=parent_visible,
            visible_children=visible_children,
        )
        if parent_visible:
            g["parent_url"], g["parent_title"] = detail(g["parent__public_id"]), g["parent__title"]
        if visible_children:
            g["children_url"] = children(g["public_id"])
        # Only what the list shows: a short list has no dates, the tree no last update (on
        # my team's goals, ~250 goals' unused dates doubled the page's time).
        if due:
            g["due"] = day(g["end_date"])
            g["overdue"] = not is_closed and g["end_date"] < today
        if updates and g["last_update_at"] is not None:
            local = g["last_update_at"].astimezone(zone)
            g["update_at"] = local.isoformat()
            g["update_title"] = moment(local)
            g["update_ago"] = ago % {"time": timesince(g["last_update_at"], depth=1)}
    return rows


def _goal_page(goals, number: int, *, size: int, updates: bool = True) -> paging.Page:
    page = paging.page_of(goals, number, size=size)
    return dataclasses.replace(page, object_list=_goal_rows(page.object_list, updates=updates))


@login_required
def my_goals(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    form = PeriodFilterForm(request.GET or None)
    period = form.chosen_period()
    context = {"form": form, "period": period, "person": person, "tab": "mine"}
    if person is not None:
        goals = queries.with_parent_visibility(
            queries.goals_of(request.user, person, period=period).for_rows(), request.user
        )
        page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = _goal_rows(page.object_list)
        context.update(
            page=page,
            querystring=_without_page(request),
            open_goals=[g for g in rows if not g.is_closed],
            closed_goals=[g for g in rows if g.is_closed],
        )
    return render(request, "goals/my_goals.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """A manager's direct reports with their goals, those nobody updated lately, and the goals
    of the teams they lead. The same five queries for 5 reports or 500 (a page at a time)."""
    user = request.user
    me = person_of(user)
    form = TeamPageForm(request.GET or None)
    period, weeks = form.chosen_period(), form.chosen_weeks()
    context = {"form": form, "period": period, "weeks": weeks, "tab": "team", "person": me}
    if me is None:
        return render(request, "goals/team.html", context)
    # As their cards read them (`people_tags.person_row_card`): 50 people and their teams
    # built as models took as long again as their query.
    reports = people_queries.direct_reports(user, me).values("id", *people_queries.CARD_VALUES)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    people = [Row(values) for values in page.object_list]
    goals_by_owner = defaultdict(list)
    if people:
        for goal in _goal_rows(
            queries.team_goals(user, me, period=period)
            .filter(owner__in=[p["id"] for p in people])
            .for_items(),
            due=False,
            updates=False,
        ):
            goals_by_owner[goal.owner_id].append(goal)
    stale = []
    if page.paginator.count:
        stale = [
            Row(
                public_id=values["owner__public_id"],
                full_name=Person.name_of(values["owner__first_name"], values["owner__last_name"]),
                stale_label=ngettext(
                    "%(counter)s open goal without a recent update",
                    "%(counter)s open goals without a recent update",
                    values["stale_goals"],
                )
                % {"counter": values["stale_goals"]},
            )
            for values in queries.reports_without_recent_update(
                user, me, period=period, weeks=weeks
            )[: STALE_SHOWN + 1]
        ]
    team_goals = queries.goals_of_my_teams(user, period=period).for_items()[: TEAM_GOALS_SHOWN + 1]
    team_goals = _goal_rows(team_goals, due=False, updates=False)
    context.update(
        page=page,
        querystring=_without_page(request),
        rows=[(p, goals_by_owner[p["id"]]) for p in people],
        stale=stale[:STALE_SHOWN],
        more_stale=len(stale) > STALE_SHOWN,
        team_goals=team_goals[:TEAM_GOALS_SHOWN],
        more_team_goals=len(team_goals) > TEAM_GOALS_SHOWN,
        # A team lead sets goals for their reports' teams (`policies.can_create_goal`).
        can_create_team_goal=any(p["team_id"] for p in people),
    )
    return render(request, "goals/team.html", context)


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    form = PeriodFilterForm(request.GET or None)
    period = form.chosen_period()
    goals = queries.organisation_goals(request.user, period=period).for_rows()
    page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _goal_rows(page.object_list)
    context = {
        "form": form,
        "period": period,
        "page": page,
        "querystring": _without_page(request),
        "tab": "organisation",
        "can_mark_strategic": policies.can_mark_strategic(request.user),
        "can_create": policies.can_create_goal(request.user, level=Goal.Level.ORGANISATION),
    }
    return render(request, "goals/organisation.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    form = PeriodFilterForm(request.GET or None)
    period = form.chosen_period()
    roots = queries.tree_roots(request.user, period=period).for_rows()
    number = paging.page_number(request.GET.get("page"))
    context = {
        "form": form,
        "period": period,
        "page": _goal_page(roots, number, size=queries.TREE_PAGE, updates=False),
        "querystring": _without_page(request),
        "tab": "tree",
        "children_counted": queries.CHILDREN_COUNTED,
    }
    return render(request, "goals/tree.html", context)


@login_required
def not_aligned(request: HttpRequest) -> HttpResponse:
    """The personal goals that contribute to no goal, apart from the tree."""
    form = PeriodFilterForm(request.GET or None)
    period = form.chosen_period()
    goals = queries.not_aligned(request.user, period=period).for_rows()
    number = paging.page_number(request.GET.get("page"))
    context = {
        "form": form,
        "period": period,
        "page": _goal_page(goals, number, size=PAGE_SIZE),
        "querystring": _without_page(request),
        "tab": "tree",
    }
    return render(request, "goals/not_aligned.html", context)


@login_required
def tree_children(request: HttpRequest, public_id) -> HttpResponse:
    """One level of the alignment tree, loaded when someone expands a goal (htmx)."""
    goal = _visible_goal(request, public_id)
    children = queries.tree_children(request.user, goal).for_rows()
    number = paging.page_number(request.GET.get("page"))
    context = {
        "parent": goal,
        "page": _goal_page(children, number, size=queries.TREE_PAGE, updates=False),
        "children_counted": queries.CHILDREN_COUNTED,
    }
    return render(request, "goals/_tree_children.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = form.chosen_period()
    owner = None
    asked_owner = filters.get("owner") or ""
    if asked_owner == "me":
        owner = person_of(user)
    elif asked_owner and (owner_id := _uuid(asked_owner)):
        owner = Person.objects.visible_to(user).filter(public_id=owner_id).first()
    goals = queries.search(
        user,
        period=period,
        q=filters.get("q") or "",
        status=filters.get("status") or "",
        level=filters.get("level") or "",
        team=filters.get("team"),
        owner=owner,
    ).for_rows()
    number = paging.page_number(request.GET.get("page"))
    context = {
        "form": form,
        "page": _goal_page(goals, number, size=PAGE_SIZE),
        "period": period,
        "owner": owner,
        "querystring": _without_page(request),
        "tab": "search",
    }
    if request.htmx:
        return render(request, "goals/_search_results.html", context)
    me = person_of(user)
    context["can_create_for_owner"] = (
        owner is not None
        and (me is None or owner.pk != me.pk)
        and policies.can_create_goal(user, level=Goal.Level.PERSONAL, owner=owner)
    )
    return render(request, "goals/search.html", context)


# One goal ------------------------------------------------------------------------------------


def _history(goal: Goal, *, everything: bool = False) -> dict:
    """The progress updates a goal's page lists, the newest or all of them, and how many there
    are: one query, however long the history. Each row's words and link are made here, once
    a row: a row's date filter, link, author branches and rounding were ~0.1 ms in the
    template (finding 7 in docs/performance.md)."""
    rows = queries.history(goal)
    updates = [Row(values) for values in (rows if everything else rows[:HISTORY_SHOWN])]
    profile, statuses = url_with_id_of("people:profile"), labels(Goal.Status)
    moment, zone = dates("SHORT_DATETIME_FORMAT"), timezone.get_current_timezone()
    for u in updates:
        _author(u, profile)
        u.when = moment(u.created_at.astimezone(zone))
        u.percent = whole_percent(u.progress)
        u.status_label = statuses[u.status]
    return {"updates": updates, "updates_total": updates[0].total if updates else 0}


def _comments(goal: Goal) -> list[Row]:
    """A goal's comments, oldest first, with their author's name and link and their moment
    made here, once a comment."""
    comments = [Row(values) for values in queries.comments(goal)]
    profile = url_with_id_of("people:profile")
    moment, zone = dates("DATETIME_FORMAT"), timezone.get_current_timezone()
    for c in comments:
        _author(c, profile)
        local = c.created_at.astimezone(zone)
        c.at, c.when = local.isoformat(), moment(local)
    return comments


def _author(row: Row, profile) -> None:
    """Set what a row of `queries.AUTHOR_VALUES` shows of its author: `author_name`, and
    `author_url` when they are a person here. Neither, for an account deleted since."""
    row.author_name = row.author_url = ""
    if row.author_id is None:
        return
    if row.author__person__public_id is None:
        row.author_name = row.author__email
    else:
        row.author_name = Person.name_of(
            row.author__person__first_name, row.author__person__last_name
        )
        row.author_url = profile(row.author__person__public_id)


def _render_detail(request: HttpRequest, goal: Goal, **extra) -> HttpResponse:
    user = request.user
    children = _goal_rows(
        queries.aligned_to(user, goal).for_items()[: CHILDREN_SHOWN + 1], due=False, updates=False
    )
    context = {
        "goal": goal,
        "parent": queries.visible_parent(user, goal),
        "children": children[:CHILDREN_SHOWN],
        "more_children": len(children) > CHILDREN_SHOWN,
        "key_results": list(goal.key_results.all()),
        **_history(goal, everything=request.GET.get("updates") == "all"),
        # The chart needs neither authors nor comments: plain rows, not model instances.
        "chart_points": list(
            goal.updates.values_list("pk", "created_at", "progress", "status", named=True)[
                :HISTORY_CHARTED
            ]
        ),
        "comments": _comments(goal),
        "comment_form": CommentForm(),
        "can_edit": policies.can_edit_goal(user, goal),
        "can_mark_strategic": policies.can_mark_strategic(user),
        **extra,
    }
    return render(request, "goals/detail.html", context)


@login_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    """A goal's page; ?updates=all lists its whole history (for htmx, only that list)."""
    goal = _visible_goal(request, public_id)
    if request.htmx and request.GET.get("updates") == "all":
        context = {"goal": goal, **_history(goal, everything=True)}
        return render(request, "goals/_history.html", context)
    return _render_detail(request, goal)


def _may_create(user, *, level: str, owner: Person | None, team: Team | None) -> bool:
    if level == Goal.Level.PERSONAL:
        owner = owner or person_of(user)
        return owner is not None and policies.can_create_goal(user, level=level, owner=owner)
    if level == Goal.Level.TEAM and team is None:
        # HR may, whatever the team; anyone else if they lead one.
        return policies.can_create_goal(user, level=level) or sets_team_goals(user)
    return policies.can_create_goal(user, level=level, team=team)


def _new_goal_args(request: HttpRequest) -> tuple[str, Person | None, Team | None]:
    """Whose goal a new goal's form is for: ?level=personal|team|organisation, ?owner= and
    ?team=. 404 when one is unknown, or not the user's to set goals for."""
    user = request.user
    level = request.GET.get("level") or Goal.Level.PERSONAL
    if level not in Goal.Level.values:
        raise Http404
    owner = team = None
    if raw := request.GET.get("owner"):
        owner = get_object_or_404(
            Person.objects.visible_to(user).current(), public_id=_uuid(raw) or uuid.UUID(int=0)
        )
    if raw := request.GET.get("team"):
        team = get_object_or_404(Team, public_id=_uuid(raw) or uuid.UUID(int=0))
    if not _may_create(user, level=level, owner=owner, team=team):
        raise Http404
    return level, owner, team


def _searching(request: HttpRequest) -> bool:
    """Whether a goal form was sent by a picker's "Search" button (without JavaScript): it is
    shown again with what the search found, and nothing is saved."""
    return request.method == "POST" and "search" in request.POST


def _picker_urls(form: GoalForm, *, level: str, goal: Goal | None) -> dict:
    """Where the goal form's pickers search, and what the goal picker takes along: the dates
    (the goals of that period), and the owner or team (the goals up their tree). It searches
    again when one of those changes."""
    query = {"goal": goal.public_id} if goal is not None else {"level": level}
    along = ["#id_start_date", "#id_end_date"]
    if "owner" in form.fields:
        along.append("#id_owner")
    if "team" in form.fields:
        along.append("#team-options")
    return {
        "team_picker_url": reverse("goals:pick_team"),
        "parent_picker_url": f"{reverse('goals:pick_parent')}?{urlencode(query)}",
        "parent_picker_include": ", ".join(along),
        "parent_picker_trigger": ", ".join(f"change from:{selector}" for selector in along),
    }


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Create a goal: ?level=personal|team|organisation, ?owner= and ?team= for whom,
    ?parent= for the goal it contributes to."""
    user = request.user
    level, owner, team = _new_goal_args(request)
    parent = None
    if raw := request.GET.get("parent"):
        parent = get_object_or_404(
            Goal.objects.visible_to(user), public_id=_uuid(raw) or uuid.UUID(int=0)
        )
    searching = _searching(request)
    form = GoalForm(
        request.POST or None,
        actor=user,
        level=level,
        owner=owner,
        team=team,
        parent=parent,
        searching=searching,
    )
    formset = KeyResultFormSet(
        request.POST or None, prefix="kr", form_kwargs={"searching": searching}
    )
    if request.method == "POST" and not searching:
        form_valid = form.is_valid()
        if formset.is_valid() and form_valid:
            rows = formset.filled()
            try:
                goal = services.goal_create(
                    actor=user,
                    level=level,
                    owner=form.cleaned_data.get("owner"),
                    team=form.cleaned_data.get("team"),
                    key_results=[row.to_input() for _index, row in rows],
                    **form.goal_fields(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                apply_errors(error, form, formset, rows=[index for index, _row in rows])
            else:
                messages.success(request, _("The goal is saved."))
                return redirect(_detail_url(goal))
    context = {
        "form": form,
        "formset": formset,
        "level": level,
        "goal": None,
        "owner": owner,
        **_picker_urls(form, level=level, goal=None),
    }
    return render(request, "goals/goal_form.html", context)


@login_required
def edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    goal = _editable_goal(request, public_id)
    searching = _searching(request)
    form = GoalForm(
        request.POST or None, actor=user, level=goal.level, goal=goal, searching=searching
    )
    form.fields["version"].required = True
    current = None
    if request.method == "POST" and not searching and form.is_valid():
        try:
            services.goal_edit(
                goal=goal, actor=user, version=form.cleaned_data["version"], **form.goal_fields()
            )
        except PermissionDenied:
            raise Http404 from None
        except services.ConcurrentEdit as conflict:
            # Keep what they typed, show what the goal says now, and let the next save win.
            current = conflict.goal
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = GoalForm(data, actor=user, level=goal.level, goal=current)
            form.is_valid()
            form.add_error(None, str(conflict))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(_detail_url(goal))
    context = {
        "form": form,
        "goal": goal,
        "level": goal.level,
        "current": current,
        **_picker_urls(form, level=goal.level, goal=goal),
    }
    return render(request, "goals/goal_form.html", context)


# The goal form's pickers (htmx) ------------------------------------------------------------------


@login_required
def pick_team(request: HttpRequest) -> HttpResponse:
    """The team picker's options: the team chosen (?team=), then at most 20 teams the user sets
    goals for whose name holds what was typed (?team_q=), or their own teams. 404 for someone
    who sets no team goals, as the form is."""
    if not _may_create(request.user, level=Goal.Level.TEAM, owner=None, team=None):
        raise Http404
    form = GoalForm(request.GET, actor=request.user, level=Goal.Level.TEAM)
    return render(request, "core/_picker_options.html", {"picker": form.team_picker})


@login_required
def pick_parent(request: HttpRequest) -> HttpResponse:
    """The options of the goal picker ("contributes to"): the goal chosen (?parent=), then at
    most 20 open goals of the period the user may see whose title holds what was typed
    (?parent_q=), the likeliest first. For the form of a new goal (?level=, ?owner=, ?team=, as
    that form takes them) or of the goal being edited (?goal=); 404 for whoever may not open
    that form."""
    user = request.user
    if raw := request.GET.get("goal"):
        goal = _editable_goal(request, _uuid(raw) or uuid.UUID(int=0))
        form = GoalForm(request.GET, actor=user, level=goal.level, goal=goal)
    else:
        level, owner, team = _new_goal_args(request)
        form = GoalForm(request.GET, actor=user, level=level, owner=owner, team=team)
    return render(request, "core/_picker_options.html", {"picker": form.parent_picker})


@login_required
def update(request: HttpRequest, public_id) -> HttpResponse:
    """A progress update. On the goal's page it opens in place (htmx); it is a page too."""
    user = request.user
    goal = _editable_goal(request, public_id)
    key_results = list(goal.key_results.all())
    form = ProgressForm(request.POST or None, goal=goal, key_results=key_results)
    if request.method == "POST" and not goal.is_closed and form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_update_progress(
                goal=goal,
                actor=user,
                version=data.get("version"),
                status=data["status"],
                comment=data.get("comment", ""),
                values=data["values"],
                progress=data.get("progress"),
            )
        except PermissionDenied:
            raise Http404 from None
        except services.ConcurrentEdit as conflict:
            post = request.POST.copy()
            post["version"] = str(conflict.goal.version)
            form = ProgressForm(
                post, goal=conflict.goal, key_results=list(conflict.goal.key_results.all())
            )
            form.is_valid()
            form.add_error(None, str(conflict))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Progress updated."))
            return _done(request, _detail_url(goal))
    template = "goals/_update_form.html" if request.htmx else "goals/update.html"
    return render(request, template, {"goal": goal, "form": form})


@login_required
def close(request: HttpRequest, public_id) -> HttpResponse:
    goal = _editable_goal(request, public_id)
    form = CloseForm(request.POST or None, initial={"version": goal.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_close(
                goal=goal,
                actor=request.user,
                version=form.cleaned_data.get("version"),
                outcome=form.cleaned_data["outcome"],
                reflection=form.cleaned_data.get("reflection", ""),
            )
        except PermissionDenied:
            raise Http404 from None
        except services.ConcurrentEdit as conflict:
            post = request.POST.copy()
            post["version"] = str(conflict.goal.version)
            form = CloseForm(post)
            form.is_valid()
            form.add_error(None, str(conflict))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The goal is closed."))
            return redirect(_detail_url(goal))
    return render(request, "goals/close.html", {"goal": goal, "form": form})


@login_required
@require_POST
def reopen(request: HttpRequest, public_id) -> HttpResponse:
    goal = _editable_goal(request, public_id)
    try:
        services.goal_reopen(goal=goal, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The goal is open again."))
    return redirect(_detail_url(goal))


@login_required
def carry_over(request: HttpRequest, public_id) -> HttpResponse:
    goal = _editable_goal(request, public_id)
    form = CarryOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_goal = services.goal_carry_over(
                goal=goal, actor=request.user, reflection=form.cleaned_data.get("reflection", "")
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(
                request, _("The goal continues in the next period. This is the new goal.")
            )
            return redirect(_detail_url(new_goal))
    start, end = services.next_period(goal)
    context = {"goal": goal, "form": form, "next_start": start, "next_end": end}
    return render(request, "goals/carry_over.html", context)


@login_required
@require_POST
def strategic(request: HttpRequest, public_id) -> HttpResponse:
    goal = _visible_goal(request, public_id)
    if not policies.can_mark_strategic(request.user):
        raise Http404
    mark = request.POST.get("strategic") == "1"
    services.goal_set_strategic(goal=goal, actor=request.user, strategic=mark)
    if mark:
        messages.success(request, _("“%(title)s” is a strategic goal now.") % {"title": goal})
    else:
        messages.success(request, _("“%(title)s” is no longer a strategic goal.") % {"title": goal})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _detail_url(goal)
    return redirect(target)


@login_required
def key_result_add(request: HttpRequest, public_id) -> HttpResponse:
    goal = _editable_goal(request, public_id)
    form = KeyResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_blank():
            form.add_error("title", _("Give the key result a title."))
        else:
            try:
                services.key_result_add(goal=goal, actor=request.user, data=form.to_input())
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                apply_errors(error, form)
            else:
                messages.success(request, _("The key result is added."))
                return redirect(_detail_url(goal))
    return render(request, "goals/key_result_form.html", {"goal": goal, "form": form})


@login_required
@require_POST
def key_result_remove(request: HttpRequest, public_id, key_result_id) -> HttpResponse:
    goal = _editable_goal(request, public_id)
    result = get_object_or_404(KeyResult, goal=goal, public_id=key_result_id)
    try:
        services.key_result_remove(key_result=result, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("“%(title)s” is removed.") % {"title": result.title})
    return redirect(_detail_url(goal))


@login_required
@require_POST
def comment(request: HttpRequest, public_id) -> HttpResponse:
    """Add a comment; htmx gets the comments back, a plain form post goes back to the goal."""
    goal = _visible_goal(request, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.goal_comment(goal=goal, author=request.user, text=form.cleaned_data["text"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            if not request.htmx:
                messages.success(request, _("Your comment is added."))
                return redirect(_detail_url(goal) + "#comments")
            form = CommentForm()
    if request.htmx:
        context = {"goal": goal, "comments": _comments(goal), "comment_form": form}
        return render(request, "goals/_comments.html", context)
    return _render_detail(request, goal, comment_form=form)
