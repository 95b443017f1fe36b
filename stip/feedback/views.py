"""The feedback pages: parse, fetch through the policies' `visible_to` querysets (404 when
invisible), call the service, render. Mutations are POST only and go through
`stip.feedback.services`."""

import datetime
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from stip.core import paging
from stip.core.links import url_with_id_of
from stip.core.policies import is_hr, is_hr_or_admin, person_of
from stip.core.rows import when
from stip.feedback import policies, queries, services
from stip.feedback.anonymity import MERGED, anonymity_minimum
from stip.feedback.forms import (
    AnswerForm,
    FeedbackForm,
    LevelFormSet,
    PraiseFilterForm,
    PraiseForm,
    QuestionFormSet,
    QuestionSetForm,
    RequestForm,
    RoundAnswerForm,
    RoundForm,
    TextForm,
    ValueForm,
    apply_errors,
    chosen_people,
    parse_uuid,
    people_to_choose,
)
from stip.feedback.models import (
    CompanyValue,
    Feedback,
    FeedbackRequest,
    ManagerNote,
    Participant,
    Perspective,
    Praise,
    Question,
    QuestionSet,
    RatingLevel,
    Reaction,
    RequestRecipient,
    Round,
)
from stip.feedback.templatetags.feedback_tags import reactions_forms
from stip.goals.models import Goal
from stip.people import queries as people_queries
from stip.people.models import Person

PAGE_SIZE = 25
# People offered by one search in a picker.
SUGGESTIONS = 10
# The pickers on the forms, and whether each takes one person or several.
PICKERS = {
    "recipient": False,
    "respondents": True,
    Perspective.PEER: True,
    Perspective.REPORT: True,
    Perspective.OTHER: True,
}
# The newest rounds listed per section of "my rounds".
ROUNDS_SHOWN = 25
# A new round closes in two weeks unless chosen otherwise.
ROUND_DAYS = 14
# Direct reports put on a new round's "reports" by default.
REPORTS_PRESELECTED = 20


# Fetching ------------------------------------------------------------------------------------


def _visible_person(request: HttpRequest, public_id) -> Person:
    return get_object_or_404(
        Person.objects.visible_to(request.user).with_card(), public_id=public_id
    )


def _person_from_query(request: HttpRequest, name: str) -> Person | None:
    """The person named by ?<name>=<public id>, or None; 404 when they are not visible."""
    raw = request.GET.get(name)
    if not raw:
        return None
    public_id = parse_uuid(raw)
    if public_id is None:
        raise Http404
    return get_object_or_404(
        Person.objects.visible_to(request.user).current().with_card(), public_id=public_id
    )


def _visible_feedback(request: HttpRequest, public_id) -> Feedback:
    try:
        return queries.feedback_detail(request.user, public_id)
    except Feedback.DoesNotExist:
        raise Http404 from None


def _visible_request(request: HttpRequest, public_id) -> FeedbackRequest:
    requests = policies.requests_visible_to(FeedbackRequest.objects.all(), request.user)
    return get_object_or_404(requests.select_related("requester", "subject"), public_id=public_id)


def _visible_round(request: HttpRequest, public_id) -> Round:
    return get_object_or_404(
        queries.rounds(request.user).select_related("subject__team"), public_id=public_id
    )


def _hr_only(request: HttpRequest) -> None:
    if not policies.can_manage_values(request.user):
        raise Http404


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _feedback_rows(feedback: Iterable[Feedback]) -> list[Feedback]:
    """Feedback with what `_feedback_items.html` shows besides its fields: the links to its
    author, its recipient and its own page, and its moment."""
    feedback = list(feedback)
    profile, detail = url_with_id_of("people:profile"), url_with_id_of("feedback:detail")
    for f in feedback:
        f.author_url = profile(f.author.public_id)
        f.recipient_url = profile(f.recipient.public_id)
        f.url = detail(f.public_id)
        f.at, f.day = when(f.created_at)
    return feedback


def _request_rows(requests: Iterable[FeedbackRequest]) -> list[FeedbackRequest]:
    """Requests with what `_request_items.html` shows besides their fields: their link and
    moment."""
    requests = list(requests)
    request_url = url_with_id_of("feedback:request")
    for feedback_request in requests:
        feedback_request.url = request_url(feedback_request.public_id)
        feedback_request.at, feedback_request.day = when(feedback_request.created_at)
    return requests


def _person_url(person: Person, show: str = "") -> str:
    url = reverse("feedback:person", kwargs={"public_id": person.public_id})
    return f"{url}?show={show}" if show else url


# People picker -------------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The suggestions of a person picker (htmx): who is chosen, then up to ten people whose
    name matches what was typed. Three queries whatever the size of the organisation."""
    field = request.GET.get("field", "")
    if field not in PICKERS:
        raise Http404
    multiple = PICKERS[field]
    chosen = chosen_people(request.user, request.GET.getlist(field))
    if not multiple:
        chosen = chosen[:1]
    q = request.GET.get("q", "").strip()[:100]
    matches = []
    if len(q) >= 2:
        found = people_queries.people_search(
            people_to_choose(request.user).select_related("team"), q=q
        ).exclude(pk__in=[p.pk for p in chosen])
        me = person_of(request.user)
        if me is not None:
            found = found.exclude(pk=me.pk)
        matches = list(found.order_by("last_name", "first_name", "pk")[:SUGGESTIONS])
    context = {
        "name": field,
        "multiple": multiple,
        "chosen": chosen,
        "matches": matches,
        "q": q,
    }
    return render(request, "feedback/_picker_options.html", context)


# A person's feedback -------------------------------------------------------------------------

TABS = ("received", "given", "requests", "praise", "notes")


@login_required
def person_feedback(request: HttpRequest, public_id=None) -> HttpResponse:
    """Someone's feedback, a tab at a time: what they received and gave, their requests, their
    praise and (for their management chain, and HR once shared) the managers' notes. Each list
    shows only what the viewer may see (the queries filter)."""
    user = request.user
    me = person_of(user)
    if public_id is None:
        if me is None:
            return render(request, "feedback/person.html", {"person": None, "tab": None})
        person = me  # loaded with the user: no query
    else:
        person = _visible_person(request, public_id)
    is_me = me is not None and me.pk == person.pk
    tabs = list(TABS)
    can_write_note = policies.can_write_manager_note(user, person)
    if not (can_write_note or (is_hr(user) and not is_me)):
        tabs.remove("notes")
    tab = request.GET.get("show") if request.GET.get("show") in tabs else "received"
    context = {
        "person": person,
        "is_me": is_me,
        "tabs": tabs,
        "tab": tab,
        "querystring": _without_page(request),
        "can_give": policies.can_give_feedback(user, person),
        "can_request": policies.can_request_feedback_about(user, person),
        "can_start_round": policies.can_start_round(user, person),
        "can_write_note": can_write_note,
    }
    if tab == "received":
        rows = queries.feedback_received(user, person)
    elif tab == "given":
        rows = queries.feedback_given(user, person)
    elif tab == "requests":
        rows = queries.requests_of(user, person)
    elif tab == "praise":
        rows = queries.praise_for(user, person)
    else:
        rows = queries.manager_notes_about(user, person)
        context["note_form"] = TextForm(label=_("A note about %(name)s") % {"name": person})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context["page"] = page
    if tab in ("received", "given"):
        page.object_list = _feedback_rows(page.object_list)
    elif tab == "requests":
        page.object_list = _request_rows(page.object_list)
    elif tab == "praise":
        context["praise_rows"] = _praise_rows(request, page.object_list)
        context["next_url"] = request.get_full_path()
    return render(request, "feedback/person.html", context)


@login_required
def note_new(request: HttpRequest, public_id) -> HttpResponse:
    """Write a manager's note about someone in one's reporting line."""
    person = _visible_person(request, public_id)
    if not policies.can_write_manager_note(request.user, person):
        raise Http404
    form = TextForm(request.POST or None, label=_("A note about %(name)s") % {"name": person})
    if request.method == "POST" and form.is_valid():
        try:
            services.manager_note_write(
                author=request.user, subject=person, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Your note is saved."))
            return redirect(_person_url(person, "notes"))
    return render(request, "feedback/note_form.html", {"person": person, "form": form})


@login_required
@require_POST
def note_share(request: HttpRequest, public_id) -> HttpResponse:
    notes = policies.manager_notes_visible_to(
        ManagerNote.objects.select_related("subject"), request.user
    )
    note = get_object_or_404(notes, public_id=public_id)
    try:
        services.manager_note_share(note=note, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The note is shared with HR."))
    return redirect(_person_url(note.subject, "notes"))


# Giving feedback -----------------------------------------------------------------------------


@login_required
def give(request: HttpRequest) -> HttpResponse:
    """Give feedback to someone (?to=<person> to start with them chosen)."""
    user = request.user
    me = person_of(user)
    if me is None:
        raise Http404
    recipient = _person_from_query(request, "to")
    if recipient is not None and recipient.pk == me.pk:
        recipient = None  # not to oneself: choose someone
    if request.htmx and request.method == "GET" and request.GET.get("part") == "goal":
        # The recipient changed in the picker: the goals offered are theirs.
        chosen = chosen_people(user, request.GET.getlist("recipient"))[:1]
        form = FeedbackForm(actor=user, recipient=chosen[0] if chosen else None)
        return render(request, "feedback/_goal_field.html", {"form": form})
    form = FeedbackForm(request.POST or None, actor=user, recipient=recipient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.feedback_give(
                author=user,
                recipient=data["recipient"],
                text=data["text"],
                visibility=data["visibility"],
                goal=data.get("goal"),
                value=data.get("value"),
            )
        except PermissionDenied:
            form.add_error("recipient", _("You cannot give feedback to this person."))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(
                request, _("Your feedback is sent to %(name)s.") % {"name": feedback.recipient}
            )
            return redirect("feedback:detail", public_id=feedback.public_id)
    return render(request, "feedback/give.html", {"form": form})


def _render_detail(request: HttpRequest, feedback: Feedback, **extra) -> HttpResponse:
    user = request.user
    goal = None
    if feedback.goal_id:
        goal = Goal.objects.visible_to(user).filter(pk=feedback.goal_id).first()
    feedback_request = None
    if feedback.request_id:
        feedback_request = (
            policies.requests_visible_to(FeedbackRequest.objects.all(), user)
            .filter(pk=feedback.request_id)
            .first()
        )
    context = {
        "feedback": feedback,
        "goal": goal,
        "feedback_request": feedback_request,
        "replies": list(feedback.replies.select_related("author")),
        "reply_form": TextForm(label=_("Reply")),
        "can_reply": policies.can_reply_feedback(user, feedback),
        "can_mark_helpful": policies.can_mark_helpful(user, feedback),
        **extra,
    }
    return render(request, "feedback/detail.html", context)


@login_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    return _render_detail(request, _visible_feedback(request, public_id))


@login_required
@require_POST
def reply(request: HttpRequest, public_id) -> HttpResponse:
    """Reply to feedback (its author or recipient); htmx gets the replies back."""
    feedback = _visible_feedback(request, public_id)
    if not policies.can_reply_feedback(request.user, feedback):
        raise Http404
    form = TextForm(request.POST, label=_("Reply"))
    if form.is_valid():
        try:
            services.feedback_reply(
                feedback=feedback, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            if not request.htmx:
                messages.success(request, _("Your reply is added."))
                return redirect(reverse("feedback:detail", args=[feedback.public_id]) + "#replies")
            form = TextForm(label=_("Reply"))
    if request.htmx:
        context = {
            "feedback": feedback,
            "replies": list(feedback.replies.select_related("author")),
            "reply_form": form,
            "can_reply": True,
        }
        return render(request, "feedback/_replies.html", context)
    return _render_detail(request, feedback, reply_form=form)


@login_required
@require_POST
def helpful(request: HttpRequest, public_id) -> HttpResponse:
    feedback = _visible_feedback(request, public_id)
    if not policies.can_mark_helpful(request.user, feedback):
        raise Http404
    services.feedback_mark_helpful(
        feedback=feedback, actor=request.user, helpful=request.POST.get("helpful") != "0"
    )
    if request.htmx:
        return render(
            request, "feedback/_helpful.html", {"feedback": feedback, "can_mark_helpful": True}
        )
    return redirect("feedback:detail", public_id=feedback.public_id)


# Requests ------------------------------------------------------------------------------------


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask for feedback about yourself or (managers) a report (?about=<person>)."""
    user = request.user
    about = _person_from_query(request, "about")
    if person_of(user) is None or (
        about is not None and not policies.can_request_feedback_about(user, about)
    ):
        raise Http404
    form = RequestForm(request.POST or None, actor=user, about=about)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_request = services.feedback_request_create(
                requester=user,
                subject=data["subject"],
                question=data["question"],
                respondents=data["respondents"],
                due_date=data.get("due_date"),
            )
        except PermissionDenied:
            form.add_error("subject", _("You can ask for feedback about yourself or your reports."))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Your request is sent."))
            return redirect("feedback:request", public_id=feedback_request.public_id)
    return render(request, "feedback/request_form.html", {"form": form})


def _render_request(request: HttpRequest, feedback_request: FeedbackRequest, **extra):
    user = request.user
    me = person_of(user)
    is_requester = me is not None and me.pk == feedback_request.requester_id
    mine = None
    if me is not None:
        mine = RequestRecipient.objects.filter(request=feedback_request, respondent=me).first()
    context = {
        "feedback_request": feedback_request,
        "is_requester": is_requester,
        "recipients": (
            list(feedback_request.recipients.select_related("respondent").order_by("pk"))
            if is_requester
            else []
        ),
        "answers": _feedback_rows(queries.request_answers(user, feedback_request)),
        "mine": mine,
        "can_answer": mine is not None and mine.status == RequestRecipient.Status.PENDING,
        "can_share": (
            policies.can_share_request(user, feedback_request)
            and feedback_request.shared_with_subject_at is None
        ),
        **extra,
    }
    if context["can_answer"] and "answer_form" not in context:
        context["answer_form"] = AnswerForm()
    if "answer_form" in context:
        context["answer_form"].fields["text"].label = _("Your feedback for %(name)s") % {
            "name": feedback_request.subject
        }
    return render(request, "feedback/request.html", context)


@login_required
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _render_request(request, _visible_request(request, public_id))


@login_required
@require_POST
def request_answer(request: HttpRequest, public_id) -> HttpResponse:
    """A respondent answers: feedback to the request's subject."""
    feedback_request = _visible_request(request, public_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(
                author=request.user,
                recipient=feedback_request.subject,
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
                request=feedback_request,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Thank you: your answer is sent."))
            return redirect("feedback:request", public_id=feedback_request.public_id)
    return _render_request(request, feedback_request, answer_form=form)


@login_required
@require_POST
def request_decline(request: HttpRequest, public_id) -> HttpResponse:
    feedback_request = _visible_request(request, public_id)
    try:
        services.feedback_request_decline(request=feedback_request, respondent=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError:
        messages.error(request, _("You have already answered this request."))
    else:
        messages.success(request, _("You declined this request."))
    return redirect("feedback:request", public_id=feedback_request.public_id)


@login_required
@require_POST
def request_share(request: HttpRequest, public_id) -> HttpResponse:
    feedback_request = _visible_request(request, public_id)
    try:
        services.feedback_request_share(request=feedback_request, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("%(name)s can now read the answers.") % {"name": feedback_request.subject},
    )
    return redirect("feedback:request", public_id=feedback_request.public_id)


# Praise --------------------------------------------------------------------------------------


def _praise_rows(request: HttpRequest, praise: list[Praise]) -> list[dict]:
    """Each praise with its links and its reactions: one query for a whole page (counts, and
    mine)."""
    praise = list(praise)
    counts, mine = queries.reactions_to([p.pk for p in praise], person_of(request.user))
    names = _reaction_names()
    profile, react = url_with_id_of("people:profile"), url_with_id_of("feedback:praise_react")
    rows = []
    for p in praise:
        at, day = when(p.created_at)
        rows.append(
            {
                "praise": p,
                "author_url": profile(p.author.public_id),
                "recipient_url": profile(p.recipient.public_id),
                "at": at,
                "day": day,
                "react_url": react(p.public_id),
                "reactions": _reactions(p, counts.get(p.pk, {}), mine, names),
            }
        )
    return rows


# What each reaction says, for screen readers and tooltips (the button shows the emoji).
REACTION_NAMES = {
    Reaction.Kind.APPLAUSE: gettext_lazy("Applause"),
    Reaction.Kind.HEART: gettext_lazy("Love it"),
    Reaction.Kind.STAR: gettext_lazy("Star"),
    Reaction.Kind.PARTY: gettext_lazy("Celebrate"),
}


def _reaction_names() -> dict[str, str]:
    """The reactions' names in the reader's language, translated once for a page of praise."""
    return {kind: str(name) for kind, name in REACTION_NAMES.items()}


def _reactions(praise: Praise, counts: dict[str, int], mine: set, names: dict) -> list[dict]:
    return [
        {
            "kind": kind,
            "emoji": emoji,
            "name": names[kind],
            "count": counts.get(kind, 0),
            "mine": (praise.pk, kind) in mine,
        }
        for kind, emoji in Reaction.Kind.choices
    ]


@login_required
def praise_wall(request: HttpRequest) -> HttpResponse:
    form = PraiseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    team, value = filters.get("team"), filters.get("value")
    praise = queries.praise_wall(request.user, team=team, value=value)
    # The wall pages without a total: counting every praise grew with the organisation (17 ms
    # on PostgreSQL at 100,000 people, docs/performance.md, finding 15). Everyone sees all
    # praise, so that a value's praise is the count it keeps.
    total = value.praise_count if value is not None and team is None else None
    page = paging.page_read(
        lambda start, end: queries.praise_between(praise, start, end),
        paging.page_number(request.GET.get("page")),
        size=PAGE_SIZE,
    )
    context = {
        "form": form,
        "page": page,
        "total": total,
        "rows": _praise_rows(request, page.object_list),
        "next_url": request.get_full_path(),
        "querystring": _without_page(request),
        "tab": "praise",
    }
    template = "feedback/_praise_list.html" if request.htmx else "feedback/praise_wall.html"
    return render(request, template, context)


@login_required
def praise_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    me = person_of(user)
    if me is None:
        raise Http404
    recipient = _person_from_query(request, "to")
    if recipient is not None and recipient.pk == me.pk:
        recipient = None  # not to oneself: choose someone
    form = PraiseForm(request.POST or None, actor=user, recipient=recipient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.praise_give(
                author=user, recipient=data["recipient"], text=data["text"], value=data.get("value")
            )
        except PermissionDenied:
            form.add_error("recipient", _("You cannot praise this person."))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(
                request, _("Your praise for %(name)s is on the wall.") % {"name": data["recipient"]}
            )
            return redirect("feedback:praise")
    return render(request, "feedback/praise_form.html", {"form": form, "tab": "praise"})


@login_required
@require_POST
def praise_react(request: HttpRequest, public_id) -> HttpResponse:
    praise = get_object_or_404(
        policies.praise_visible_to(Praise.objects.all(), request.user), public_id=public_id
    )
    try:
        services.praise_react(praise=praise, person=request.user, kind=request.POST.get("kind", ""))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError:
        return HttpResponse(status=400)
    if request.htmx:
        counts, mine = queries.reactions_to([praise.pk], person_of(request.user))
        form = reactions_forms(
            get_token(request), request.htmx.current_url_abs_path or request.get_full_path()
        )
        return HttpResponse(
            form(
                praise.public_id,
                reverse("feedback:praise_react", kwargs={"public_id": praise.public_id}),
                _reactions(praise, counts.get(praise.pk, {}), mine, _reaction_names()),
            )
        )
    return redirect(_next_or(request, reverse("feedback:praise")))


# Company values (HR) -------------------------------------------------------------------------


def _save_value(request: HttpRequest, form: ValueForm, value: CompanyValue | None) -> bool:
    data = form.cleaned_data
    try:
        services.value_save(
            actor=request.user,
            name_en=data["name_en"],
            name_nl=data["name_nl"],
            description_en=data["description_en"],
            description_nl=data["description_nl"],
            active=data["active"],
            value=value,
        )
    except ValidationError as error:
        apply_errors(error, form)
        return False
    return True


@login_required
def values(request: HttpRequest) -> HttpResponse:
    """The company values: listed, and a new one added (HR)."""
    _hr_only(request)
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save_value(request, form, None):
        messages.success(request, _("The value is added."))
        return redirect("feedback:values")
    all_values = CompanyValue.objects.order_by("-active", "position", "name_en", "pk")
    return render(
        request, "feedback/values.html", {"values": all_values, "form": form, "tab": "values"}
    )


@login_required
def value_edit(request: HttpRequest, public_id) -> HttpResponse:
    _hr_only(request)
    value = get_object_or_404(CompanyValue, public_id=public_id)
    initial = {
        "name_en": value.name_en,
        "name_nl": value.name_nl,
        "description_en": value.description_en,
        "description_nl": value.description_nl,
        "active": value.active,
    }
    form = ValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_value(request, form, value):
        messages.success(request, _("Your changes are saved."))
        return redirect("feedback:values")
    context = {"value": value, "form": form, "tab": "values"}
    return render(request, "feedback/value_form.html", context)


@login_required
@require_POST
def value_active(request: HttpRequest, public_id) -> HttpResponse:
    """Take a value out of use (old praise keeps it), or back in."""
    _hr_only(request)
    value = get_object_or_404(CompanyValue, public_id=public_id)
    active = request.POST.get("active") == "1"
    services.value_save(
        actor=request.user,
        name_en=value.name_en,
        name_nl=value.name_nl,
        description_en=value.description_en,
        description_nl=value.description_nl,
        active=active,
        value=value,
    )
    if active:
        messages.success(request, _("“%(name)s” is in use again.") % {"name": value})
    else:
        messages.success(request, _("“%(name)s” is no longer in use.") % {"name": value})
    return redirect("feedback:values")


# Question sets (HR) --------------------------------------------------------------------------


@login_required
def question_sets(request: HttpRequest) -> HttpResponse:
    if not policies.can_manage_question_sets(request.user):
        raise Http404
    sets = QuestionSet.objects.annotate(question_count=Count("questions")).order_by(
        "-active", "name_en", "pk"
    )
    return render(
        request, "feedback/question_sets.html", {"question_sets": sets, "tab": "question_sets"}
    )


@login_required
def question_set_new(request: HttpRequest) -> HttpResponse:
    """A question set with its questions, and (unless an existing one is chosen) a new rating
    scale with labelled levels: saved together or not at all."""
    if not policies.can_manage_question_sets(request.user):
        raise Http404
    form = QuestionSetForm(request.POST or None)
    levels = LevelFormSet(request.POST or None, prefix="level")
    questions = QuestionFormSet(request.POST or None, prefix="question")
    if request.method == "POST":
        valid = [form.is_valid(), levels.is_valid(), questions.is_valid()]
        if all(valid):
            question_rows = questions.filled()
            level_rows = levels.filled()
            try:
                question_set = _create_question_set(request, form, level_rows, question_rows)
            except ValidationError as error:
                apply_errors(
                    error,
                    form,
                    formsets={
                        "questions": (questions, [i for i, _row in question_rows]),
                        "levels": (levels, [i for i, _row in level_rows]),
                    },
                )
            else:
                messages.success(request, _("The question set is saved."))
                return redirect("feedback:question_set", public_id=question_set.public_id)
    context = {"form": form, "levels": levels, "questions": questions, "tab": "question_sets"}
    return render(request, "feedback/question_set_form.html", context)


@transaction.atomic
def _create_question_set(request, form, level_rows, question_rows) -> QuestionSet:
    data = form.cleaned_data
    needs_scale = any(row.cleaned_data["kind"] == Question.Kind.RATING for _i, row in question_rows)
    scale = data.get("scale")
    if scale is None and needs_scale:
        # The new scale is named after the set unless given a name of its own.
        scale = services.rating_scale_create(
            actor=request.user,
            name_en=data["scale_name_en"] or data["name_en"],
            name_nl=data["scale_name_nl"] or data["name_nl"],
            levels=[
                (row.cleaned_data["label_en"], row.cleaned_data["label_nl"])
                for _i, row in level_rows
            ],
        )
    return services.question_set_create(
        actor=request.user,
        name_en=data["name_en"],
        name_nl=data["name_nl"],
        questions=[
            {
                "kind": row.cleaned_data["kind"],
                "text_en": row.cleaned_data["text_en"],
                "text_nl": row.cleaned_data["text_nl"],
                "scale": scale,
            }
            for _i, row in question_rows
        ],
    )


@login_required
def question_set_detail(request: HttpRequest, public_id) -> HttpResponse:
    if not policies.can_manage_question_sets(request.user):
        raise Http404
    question_set = get_object_or_404(QuestionSet, public_id=public_id)
    questions = list(question_set.questions.select_related("scale").order_by("position", "pk"))
    levels = _levels_of(questions)
    context = {
        "question_set": question_set,
        "rows": [(q, levels.get(q.scale_id, [])) for q in questions],
        "tab": "question_sets",
    }
    return render(request, "feedback/question_set.html", context)


def _levels_of(questions) -> dict[int, list[RatingLevel]]:
    """The labelled levels of the questions' scales: one query."""
    scale_ids = {q.scale_id for q in questions if q.scale_id}
    levels: dict[int, list[RatingLevel]] = {}
    if scale_ids:
        for level in RatingLevel.objects.filter(scale_id__in=scale_ids).order_by("scale", "value"):
            levels.setdefault(level.scale_id, []).append(level)
    return levels


# 360° rounds ---------------------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """Rounds about me, rounds I started, rounds I am asked to answer, and (managers, HR) the
    other rounds I may see, a page at a time."""
    user = request.user
    me = person_of(user)
    visible = queries.round_rows(user)
    context = {"tab": "rounds", "me": me, "can_start": me is not None or is_hr_or_admin(user)}
    if me is not None:
        asked = list(
            Participant.objects.filter(person=me)
            .exclude(perspective=Perspective.SELF)
            .select_related("round__subject")
            .only(
                "perspective",
                "answered",
                "declined",
                "round__public_id",
                "round__status",
                "round__closes_on",
                "round__subject__first_name",
                "round__subject__last_name",
            )
            .order_by("-round__created_at", "-pk")[:ROUNDS_SHOWN]
        )
        round_url, answer_url = (
            url_with_id_of("feedback:round"),
            url_with_id_of("feedback:round_answer"),
        )
        for participant in asked:
            participant.round.url = round_url(participant.round.public_id)
            participant.answer_url = answer_url(participant.round.public_id)
        context.update(
            about_me=_round_rows(visible.filter(subject=me)[:ROUNDS_SHOWN]),
            started=_round_rows(visible.filter(started_by=me).exclude(subject=me)[:ROUNDS_SHOWN]),
            asked=asked,
        )
        others = visible.exclude(Q(subject=me) | Q(started_by=me) | Q(participants__person=me))
    else:
        others = visible
    page = Paginator(others.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = _round_rows(page.object_list)
    context.update(page=page, querystring=_without_page(request))
    return render(request, "feedback/rounds.html", context)


def _round_rows(rounds: Iterable[Round]) -> list[Round]:
    """Rounds with the link `_round_items.html` shows."""
    rounds = list(rounds)
    round_url = url_with_id_of("feedback:round")
    for round_ in rounds:
        round_.url = round_url(round_.public_id)
    return rounds


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """Start a 360° round about yourself, a report, or (HR) anyone (?about=<person>)."""
    user = request.user
    about = _person_from_query(request, "about")
    me = person_of(user)
    if about is not None and not policies.can_start_round(user, about):
        raise Http404
    if about is None and me is None:
        raise Http404
    subject = about or me
    reports = []
    if request.method == "GET":
        reports = list(
            Person.objects.visible_to(user)
            .current()
            .filter(manager=subject)
            .select_related("team")
            .order_by("last_name", "first_name", "pk")[:REPORTS_PRESELECTED]
        )
    form = RoundForm(request.POST or None, actor=user, about=about, reports=reports)
    if request.method == "GET":
        form.initial["closes_on"] = timezone.localdate() + datetime.timedelta(days=ROUND_DAYS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_start(
                actor=user,
                subject=data["subject"],
                question_set=data["question_set"],
                closes_on=data["closes_on"],
                respondents={
                    Perspective.PEER: data["peer"],
                    Perspective.REPORT: data["report"],
                    Perspective.OTHER: data["other"],
                },
                anonymous_perspectives=data["anonymous"],
            )
        except PermissionDenied:
            form.add_error("subject", _("You cannot start a round about this person."))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("The round has started."))
            return redirect("feedback:round", public_id=round_.public_id)
    return render(request, "feedback/round_form.html", {"form": form, "tab": "rounds"})


def _participant(request: HttpRequest, round_: Round) -> Participant | None:
    me = person_of(request.user)
    if me is None:
        return None
    return Participant.objects.filter(round=round_, person=me).first()


def _round_is_open(round_: Round) -> bool:
    return round_.status == Round.Status.OPEN and round_.closes_on >= timezone.localdate()


@login_required
def round_detail(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    round_ = _visible_round(request, public_id)
    me = person_of(user)
    can_manage = policies.can_manage_round(user, round_)
    is_subject = me is not None and me.pk == round_.subject_id
    participation = []
    if can_manage or is_subject:
        counts = queries.participation(round_)
        participation = [
            (label, counts[key]) for key, label in Perspective.choices if key in counts
        ]
    participant = _participant(request, round_)
    context = {
        "round": round_,
        "participant": participant,
        "participant_anonymous": participant is not None
        and round_.is_anonymous(participant.perspective),
        "is_open": _round_is_open(round_),
        "is_subject": is_subject,
        "can_manage": can_manage,
        "can_view_result": policies.can_view_result(user, round_),
        "participation": participation,
        "anonymous": [label for key, label in Perspective.choices if round_.is_anonymous(key)],
        "tab": "rounds",
    }
    return render(request, "feedback/round.html", context)


@login_required
@require_POST
def round_close(request: HttpRequest, public_id) -> HttpResponse:
    round_ = _visible_round(request, public_id)
    release = request.POST.get("release") == "1"
    try:
        services.round_close(round_=round_, actor=request.user, release=release)
    except PermissionDenied:
        raise Http404 from None
    if release:
        messages.success(
            request,
            _("The round is closed and %(name)s can read the result.") % {"name": round_.subject},
        )
    else:
        messages.success(request, _("The round is closed: it takes no more answers."))
    return redirect("feedback:round", public_id=round_.public_id)


@login_required
def round_answer(request: HttpRequest, public_id) -> HttpResponse:
    """A participant's answers: a rating per rating question, text for the open ones."""
    round_ = _visible_round(request, public_id)
    participant = _participant(request, round_)
    if participant is None:
        raise Http404
    questions = list(round_.question_set.questions.select_related("scale").order_by("position"))
    form = RoundAnswerForm(request.POST or None, questions=questions, levels=_levels_of(questions))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_answer(
                round_=round_, respondent=request.user, ratings=form.ratings(), texts=form.texts()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("feedback:round", public_id=round_.public_id)
    notice = ""
    if participant.answered:
        notice = _("You have already answered this round.")
    elif not _round_is_open(round_):
        notice = _("This round is closed and takes no more answers.")
    context = {
        "round": round_,
        "participant": participant,
        "notice": "" if form.errors else notice,
        "can_answer": not notice,
        "anonymous": round_.is_anonymous(participant.perspective),
        "minimum": anonymity_minimum(),
        "form": form,
        "tab": "rounds",
    }
    return render(request, "feedback/round_answer.html", context)


@login_required
@require_POST
def round_decline(request: HttpRequest, public_id) -> HttpResponse:
    round_ = _visible_round(request, public_id)
    try:
        services.round_decline(round_=round_, respondent=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("feedback:round", public_id=round_.public_id)
    messages.success(request, _("You declined to answer this round."))
    return redirect("feedback:rounds")


# The perspectives' names in "Fewer than N people answered as …".
HIDDEN_EXPLANATIONS = {
    Perspective.PEER: gettext_lazy(
        "Fewer than %(minimum)d people answered as peers, so their answers are not shown, "
        "to keep them anonymous."
    ),
    Perspective.REPORT: gettext_lazy(
        "Fewer than %(minimum)d people answered as direct reports, so their answers are not "
        "shown, to keep them anonymous."
    ),
    Perspective.OTHER: gettext_lazy(
        "Fewer than %(minimum)d people answered as others, so their answers are not shown, "
        "to keep them anonymous."
    ),
}


def _group_order(group) -> int:
    """Self, manager, peers, reports, others, then the merged group."""
    order = list(Perspective.values)
    return order.index(group.key) if group.key in order else len(order)


def _merged_label(perspectives) -> str:
    names = {
        frozenset({Perspective.PEER, Perspective.REPORT}): _(
            "Colleagues (peers and direct reports together)"
        ),
        frozenset({Perspective.PEER, Perspective.OTHER}): _(
            "Colleagues (peers and others together)"
        ),
        frozenset({Perspective.REPORT, Perspective.OTHER}): _(
            "Colleagues (direct reports and others together)"
        ),
    }
    return names.get(
        frozenset(perspectives), _("Colleagues (peers, direct reports and others together)")
    )


@login_required
def round_result(request: HttpRequest, public_id) -> HttpResponse:
    """The aggregated result, by the anonymity rule (`queries.round_result`): no figure about
    fewer than the minimum of anonymous answers, and no name for an anonymous group."""
    round_ = _visible_round(request, public_id)
    if not policies.can_view_result(request.user, round_):
        raise Http404
    result = queries.round_result(round_)
    levels = _levels_of([q.question for q in result.questions])
    labels = dict(Perspective.choices)
    groups = [
        {
            "key": group.key,
            "label": _merged_label(group.perspectives)
            if group.key == MERGED
            else labels[group.key],
            "count": group.count,
            "anonymous": group.anonymous,
            # Only named groups have names; an anonymous one never does.
            "names": [] if group.anonymous else result.named.get(group.key, []),
        }
        for group in sorted(result.plan.shown, key=_group_order)
    ]
    questions = []
    for question_result in result.questions:
        question = question_result.question
        scale = levels.get(question.scale_id, [])
        top = max((level.value for level in scale), default=0)
        questions.append(
            {
                "question": question,
                "levels": scale,
                "rows": [
                    {
                        "group": group,
                        "average": question_result.averages.get(group["key"]),
                        "percent": _percent(question_result.averages.get(group["key"]), top),
                        # Too few of the group rated this question to show their average.
                        "withheld": group["key"] in question_result.withheld,
                    }
                    for group in groups
                ],
                "overall": question_result.overall,
                "withheld": bool(question_result.withheld),
                "overall_percent": _percent(question_result.overall, top),
                "comments": [
                    (group, question_result.comments[group["key"]])
                    for group in groups
                    if question_result.comments.get(group["key"])
                ],
            }
        )
    context = {
        "round": round_,
        "result": result,
        "groups": groups,
        "questions": questions,
        "hidden": [
            HIDDEN_EXPLANATIONS[p] % {"minimum": result.plan.minimum}
            for p in result.plan.hidden
            if p in HIDDEN_EXPLANATIONS
        ],
        "minimum": result.plan.minimum,
        "tab": "rounds",
    }
    return render(request, "feedback/round_result.html", context)


def _percent(value, top: int) -> str:
    """A bar's width in % (with a dot, for the style attribute)."""
    if value is None or not top:
        return "0"
    return f"{min(100.0, float(value) * 100 / top):.1f}"
