import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stip.core import paging
from stip.core.forms import AccessTokenForm, LanguageForm
from stip.core.models import AccessToken
from stip.core.policies import person_of
from stip.core.querysets import reused
from stip.people import importing, policies, queries, services
from stip.people.forms import DirectoryFilterForm, ImportForm
from stip.people.models import ImportJob, Person

DIRECTORY_PAGE_SIZE = 50
# The directory counts its people up to this many ("more than 500 people"), and the matches of
# a search for words in names or job titles up to SEARCH_COUNTED. Those words are found by
# reading names until enough match: on PostgreSQL at 100,000 people, 23,000 names for 501
# matches of "jan" (10-20 ms), 4,500 for 101 (2.5 ms). Someone searching a name reads the first
# page and types more when the name is that common.
EVERYONE_COUNTED = 500
SEARCH_COUNTED = 100
# The reports and the teammates the home page shows, each list with a link to all of them.
HOME_PEOPLE_SHOWN = 12
# Errors of a rejected import listed on its page; all of them are in its CSV download.
IMPORT_ERRORS_SHOWN = 100


def _visible_person(request: HttpRequest, public_id) -> Person:
    """The person with what their profile or chart node shows, their report count included (so
    that neither counts them again), or 404."""
    people = Person.objects.visible_to(request.user).with_card().with_account()
    return get_object_or_404(people.with_report_count(), public_id=public_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    context = {"person": None, "reports": [], "report_count": 0, "teammates": []}
    if person is not None:
        # Me, my manager and my first reports and teammates as values, the people as their
        # cards read them (`people_tags.person_cards`): read as people with their teams and
        # managers, building them and compiling their joins took as long again as their SQL.
        # Each list's first twelve come with how many there are in all (a window, counted
        # before the limit): one query where a count was a second one.
        me = context["person"] = _home_me().get(pk=person.pk)
        reports = list(
            _counted_card_rows()
            .visible_to(request.user)
            .current()
            .filter(manager_id=person.pk)[:HOME_PEOPLE_SHOWN]
        )
        context["reports"] = reports
        context["report_count"] = reports[0]["in_all"] if reports else 0
        if me["team_id"]:
            teammates = list(
                _counted_card_rows()
                .visible_to(request.user)
                .current()
                .filter(team_id=me["team_id"])
                .exclude(pk=person.pk)[:HOME_PEOPLE_SHOWN]
            )
            context["teammates"] = teammates
            context["teammate_count"] = teammates[0]["in_all"] if teammates else 0
    return render(request, "people/home.html", context)


@reused
def _home_me():
    """What the home page shows of me (my name, job and team) and my manager's card
    (`people_tags.person_row_card`, their columns named `manager__…`)."""
    return Person.objects.values(
        "public_id",
        "first_name",
        "job_title",
        "team_id",
        "manager_id",
        *(f"manager__{column}" for column in queries.CARD_VALUES),
        team_name=F("team__name"),
        team_public_id=F("team__public_id"),
    )


@reused
def _counted_card_rows():
    """People as their cards' values, in name order (`queries.direct_reports`'), each with how
    many the request's filters find in all. Who is current is asked of each request's copy: it
    depends on the day."""
    return (
        Person.objects.values(*queries.CARD_VALUES)
        .annotate(in_all=Window(Count("pk")))
        .order_by("last_name", "first_name", "pk")
    )


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = queries.directory(
        request.user,
        q=filters.get("q") or "",
        team=filters.get("team"),
        job_title=filters.get("job_title") or "",
    )
    # The directory pages without a total and counts no further than its 501st person (a
    # search's 101st match): counting everyone who works here read every one of them (10 ms on
    # PostgreSQL at 100,000 people; docs/performance.md, finding 15).
    page = paging.page_of(
        people, paging.page_number(request.GET.get("page")), size=DIRECTORY_PAGE_SIZE
    )
    searched = bool(filters.get("q") or filters.get("job_title"))
    counted = SEARCH_COUNTED if searched else EVERYONE_COUNTED
    total = paging.count_up_to(people, counted)
    context = {
        "form": form,
        "page": page,
        "total": total,
        "counted": counted,
        "querystring": _without_page(request),
    }
    template = "people/_directory_results.html" if request.htmx else "people/directory.html"
    return render(request, template, context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    if person is None:
        # Administrators without an employee record still manage their tokens here.
        return _render_profile(request, None)
    # Read again with what the profile shows (team, manager): one query instead of two.
    return _render_profile(request, _visible_person(request, person.public_id))


@login_required
def profile(request: HttpRequest, public_id) -> HttpResponse:
    person = _visible_person(request, public_id)
    return _render_profile(request, person)


def _render_profile(request: HttpRequest, person: Person | None) -> HttpResponse:
    viewer = person_of(request.user)
    is_self = person is None or (viewer is not None and viewer.pk == person.pk)
    context = {"person": person, "is_self": is_self}
    if person is not None:
        context.update(
            reports=queries.direct_reports(request.user, person)[:50],
            report_count=person.report_count or 0,
            chain=queries.management_chain(request.user, person),
            show_dates=policies.can_view_employment_dates(request.user, person),
            can_change_hr=policies.can_change_hr_role(request.user, person),
        )
    if is_self:
        context.update(
            tokens=AccessToken.objects.filter(user=request.user).active(),
            token_form=AccessTokenForm(),
            new_token=request.session.pop("new_access_token", None),
            language_form=LanguageForm(initial={"language": request.LANGUAGE_CODE}),
        )
    return render(request, "people/profile.html", context)


@login_required
@require_POST
def hr_role(request: HttpRequest, public_id) -> HttpResponse:
    person = _visible_person(request, public_id)
    if not policies.can_change_hr_role(request.user, person):
        raise Http404
    grant = request.POST.get("grant") == "1"
    services.person_set_hr(person=person, is_hr=grant, actor=request.user)
    if grant:
        messages.success(request, _("%(name)s now has the HR role.") % {"name": person})
    else:
        messages.success(request, _("%(name)s no longer has the HR role.") % {"name": person})
    return redirect("people:profile", public_id=person.public_id)


@login_required
def org_chart(request: HttpRequest) -> HttpResponse:
    """The top of the organisation, or (with ?from=me or ?from=<id>) someone's place in it."""
    start = request.GET.get("from", "")
    focus = None
    if start == "me":
        me = person_of(request.user)
        focus = _visible_person(request, me.public_id) if me is not None else None
    elif start:
        try:
            public_id = uuid.UUID(start)
        except ValueError:
            raise Http404 from None
        focus = _visible_person(request, public_id)
    if focus is None:
        roots = queries.org_chart_roots(request.user)[: queries.ORG_CHART_PAGE]
        context = {"focus": None, "chain": [], "roots": roots}
    else:
        context = {
            "focus": focus,
            "chain": queries.management_chain(request.user, focus),
            "roots": [focus],
        }
    return render(request, "people/org_chart.html", context)


@login_required
def org_chart_children(request: HttpRequest, public_id) -> HttpResponse:
    """One level of the chart, loaded when someone expands a node (htmx), a page at a time."""
    person = _visible_person(request, public_id)
    reports = queries.direct_reports(request.user, person).with_report_count()
    page = Paginator(reports, queries.ORG_CHART_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/_org_children.html", {"parent": person, "page": page})


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not policies.can_import_people(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = importing.import_job_create(
            actor=request.user,
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["content"],
            deactivate_missing=form.cleaned_data["deactivate_missing"],
        )
        return redirect("people:import_detail", public_id=job.public_id)
    jobs = ImportJob.objects.select_related("created_by").defer("content")[:10]
    return render(request, "people/import.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request: HttpRequest, public_id) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.defer("content"), public_id=public_id)
    if not policies.can_view_import(request.user, job):
        raise Http404
    template = "people/_import_status.html" if request.htmx else "people/import_detail.html"
    return render(request, template, {"job": job, "errors_shown": job.errors[:IMPORT_ERRORS_SHOWN]})


@login_required
def import_errors(request: HttpRequest, public_id) -> HttpResponse:
    """Every stored error of a rejected import as a CSV file, for a spreadsheet beside the
    file being corrected: the page lists only the first IMPORT_ERRORS_SHOWN."""
    job = get_object_or_404(ImportJob.objects.defer("content"), public_id=public_id)
    if not policies.can_view_import(request.user, job):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"import-errors-{job.created_at:%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that spreadsheets read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Line"), _("Column"), _("Problem")])
    for error in job.errors:
        writer.writerow(
            [error.get("line") or "", error.get("column") or "", spreadsheet_safe(error["message"])]
        )
    return response


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a cell that starts like a formula (a value copied from
    the uploaded file into a message may) gets a leading apostrophe."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
