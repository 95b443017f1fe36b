import datetime
import uuid

import pytest
from django.utils import timezone

from stip.core.services import access_token_create
from stip.people.models import Person
from tests.factories import PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
TEAMS = "/api/v1/teams"


def person_url(person, suffix=""):
    return f"{PEOPLE}/{person.public_id}{suffix}"


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def id_of(*people):
    return [str(person.public_id) for person in people]


def assert_not_found(response):
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}


def assert_invalid(response, field):
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert [error["field"] for error in body["errors"]] == [field]
    return body["errors"][0]["message"]


# --- The list --------------------------------------------------------------------------------


def test_the_list_hides_people_who_have_left_from_an_employee(client, personas):
    client.force_login(personas.employee.user)

    listed = ids(client.get(PEOPLE))

    assert str(personas.leaver.public_id) not in listed
    assert str(personas.employee.public_id) in listed
    assert len(listed) == 7


@pytest.mark.parametrize("name", ["hr", "admin"])
def test_hr_and_administrators_see_people_who_have_left(client, personas, name):
    client.force_login(personas.get(name).user)

    assert str(personas.leaver.public_id) in ids(client.get(PEOPLE))


def test_a_list_item_says_who_someone_is(client, personas):
    client.force_login(personas.employee.user)

    results = client.get(PEOPLE, {"q": "Mark"}).json()["results"]

    assert results == [
        {
            "id": str(personas.manager.public_id),
            "employee_number": "MANAGER",
            "first_name": "Mark",
            "last_name": "Manager",
            "full_name": "Mark Manager",
            "email": "manager@example.test",
            "job_title": "Team lead",
            "job_level": "P2",
            "team": {"id": str(personas.planning.public_id), "name": "Planning"},
            "manager": {"id": str(personas.director.public_id), "full_name": "Diana de Directeur"},
            "start_date": "2020-01-01",
            "end_date": None,
            "is_hr": False,
            # Eva and Piet; Lotte has left.
            "direct_report_count": 2,
        }
    ]


@pytest.fixture
def leaving_soon(personas):
    """The employee has handed in their notice: an end date in the future, still working."""
    end = timezone.localdate() + datetime.timedelta(days=60)
    Person.objects.filter(pk=personas.employee.pk).update(end_date=end)
    return end.isoformat()


@pytest.mark.parametrize(
    ("viewer", "sees_end_date"),
    [
        ("employee", True),
        ("manager", True),
        ("director", True),
        ("hr", True),
        ("admin", True),
        ("peer", False),
        ("outsider", False),
    ],
)
def test_the_end_date_is_for_the_person_their_managers_and_hr(
    client, personas, leaving_soon, viewer, sees_end_date
):
    client.force_login(personas.get(viewer).user)
    expected = leaving_soon if sees_end_date else None

    [item] = client.get(PEOPLE, {"q": "Eva"}).json()["results"]
    detail = client.get(person_url(personas.employee)).json()

    assert item["end_date"] == expected
    assert detail["end_date"] == expected


def test_the_list_pages_without_a_count_but_a_managers_reports_are_counted(client, personas):
    for n in range(3):
        PersonFactory(first_name=f"Janneke{n}", team=personas.planning)
    client.force_login(personas.hr.user)

    first = client.get(PEOPLE, {"q": "janneke", "page_size": 2}).json()
    second = client.get(first["next"]).json()
    by_job = client.get(PEOPLE, {"job_title": "controller"}).json()
    whole = client.get(PEOPLE, {"page_size": 2}).json()
    reports = client.get(PEOPLE, {"manager": str(personas.manager.public_id)}).json()

    # No index finds words inside names: counting a search would read every name.
    assert (first["count"], len(first["results"]), first["previous"]) == (None, 2, None)
    assert (second["count"], len(second["results"]), second["next"]) == (None, 1, None)
    assert {p["first_name"] for p in first["results"] + second["results"]} == {
        "Janneke0",
        "Janneke1",
        "Janneke2",
    }
    assert by_job["count"] is None and len(by_job["results"]) == 1
    # Nor is everyone counted: that read everyone who works here. A manager's reports are few.
    assert whole["count"] is None and len(whole["results"]) == 2 and whole["next"]
    assert reports["count"] == Person.objects.filter(manager=personas.manager).count() > 0


def test_it_searches_every_word_of_the_name(client, personas):
    client.force_login(personas.employee.user)

    assert ids(client.get(PEOPLE, {"q": "piet PEER"})) == id_of(personas.peer)
    assert ids(client.get(PEOPLE, {"q": "piet manager"})) == []


def test_a_team_filter_includes_its_sub_teams(client, personas):
    client.force_login(personas.employee.user)

    listed = ids(client.get(PEOPLE, {"team": personas.operations.public_id}))

    assert sorted(listed) == sorted(
        id_of(personas.director, personas.manager, personas.employee, personas.peer)
    )


def test_it_filters_by_job_title(client, personas):
    client.force_login(personas.employee.user)

    assert ids(client.get(PEOPLE, {"job_title": "lead"})) == id_of(personas.manager)


def test_a_manager_filter_lists_their_direct_reports(client, personas):
    client.force_login(personas.employee.user)

    listed = ids(client.get(PEOPLE, {"manager": personas.manager.public_id}))

    assert listed == id_of(personas.employee, personas.peer)


def test_filters_combine(client, personas):
    client.force_login(personas.hr.user)

    listed = ids(
        client.get(PEOPLE, {"team": personas.planning.public_id, "q": "lot", "job_title": "plan"})
    )

    assert listed == id_of(personas.leaver)


def test_an_unknown_team_or_manager_is_a_validation_error(client, personas):
    client.force_login(personas.employee.user)

    assert_invalid(client.get(PEOPLE, {"team": uuid.uuid4()}), "team")
    assert_invalid(client.get(PEOPLE, {"manager": uuid.uuid4()}), "manager")
    # Someone who has left is unknown to an employee, exactly like an id that never existed.
    assert_invalid(client.get(PEOPLE, {"manager": personas.leaver.public_id}), "manager")


def test_it_orders_by_name_by_default(client, personas):
    client.force_login(personas.hr.user)

    listed = ids(client.get(PEOPLE))

    # Without Diana "de Directeur", whose place depends on the database's collation.
    listed.remove(str(personas.director.public_id))
    names = ["admin", "employee", "hr", "leaver", "manager", "outsider", "peer"]
    assert listed == id_of(*[personas.get(name) for name in names])


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("first_name", ["admin", "employee", "hr", "manager", "outsider", "peer"]),
        ("-first_name", ["peer", "outsider", "manager", "hr", "employee", "admin"]),
        ("last_name", ["admin", "employee", "hr", "manager", "outsider", "peer"]),
        ("-last_name", ["peer", "outsider", "manager", "hr", "employee", "admin"]),
        # People without a start date come last in both directions.
        ("start_date", ["hr", "peer", "employee", "admin", "manager", "outsider"]),
        ("-start_date", ["employee", "peer", "hr", "outsider", "manager", "admin"]),
    ],
)
def test_it_orders_as_asked(client, personas, ordering, expected):
    for name in ["admin", "manager", "outsider"]:
        Person.objects.filter(pk=personas.get(name).pk).update(start_date=None)
    starts = {"hr": datetime.date(2018, 5, 1), "peer": datetime.date(2019, 5, 1)}
    for name, start in starts.items():
        Person.objects.filter(pk=personas.get(name).pk).update(start_date=start)
    client.force_login(personas.employee.user)

    listed = ids(client.get(PEOPLE, {"ordering": ordering}))

    # Diana "de Directeur" is left out: where a lower-case "de" sorts depends on the
    # database's collation, which is not what this test is about.
    listed.remove(str(personas.director.public_id))
    assert listed == id_of(*[personas.get(name) for name in expected])


def test_it_refuses_an_ordering_it_does_not_offer(client, personas):
    client.force_login(personas.employee.user)

    message = assert_invalid(client.get(PEOPLE, {"ordering": "user__password"}), "ordering")

    assert "last_name" in message


# --- Pagination ------------------------------------------------------------------------------


def test_it_pages_with_links_to_the_next_and_previous_page(client, personas):
    client.force_login(personas.hr.user)

    first = client.get(PEOPLE, {"page_size": 3, "job_title": ""}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    assert first["count"] is second["count"] is third["count"] is None
    assert (first["page"], first["page_size"]) == (1, 3)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/people?page_size=3&job_title=&page=2"
    assert second["previous"] == "http://testserver/api/v1/people?page_size=3&job_title=&page=1"
    assert third["next"] is None
    assert [len(page["results"]) for page in (first, second, third)] == [3, 3, 2]
    every_id = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert len(set(every_id)) == 8


def test_a_page_past_the_end_is_empty(client, personas):
    client.force_login(personas.employee.user)

    body = client.get(PEOPLE, {"page": 9, "page_size": 5}).json()

    assert body["results"] == []
    assert body["next"] is None
    # Not counted: the page before this one, as for every list that is not.
    assert "page=8&" in body["previous"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 100000}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"q": "x" * 101}, "q"),
        ({"team": "planning"}, "team"),
    ],
)
def test_bad_parameters_answer_with_the_field_and_why(client, personas, params, field):
    client.force_login(personas.employee.user)

    assert_invalid(client.get(PEOPLE, params), field)


def test_a_page_size_too_large_is_explained(client, personas):
    client.force_login(personas.employee.user)

    response = client.get(PEOPLE, {"page_size": 100000})

    assert response.json() == {
        "detail": "The request is not valid.",
        "code": "invalid",
        "errors": [
            {"field": "page_size", "message": "Ensure this value is less than or equal to 200."}
        ],
    }


def test_errors_are_in_the_callers_language(client, personas):
    personas.employee.user.language = "nl"
    personas.employee.user.save(update_fields=["language"])
    _token, secret = access_token_create(user=personas.employee.user, name="Script")

    response = client.get(
        PEOPLE, {"page_size": 100000}, headers={"Authorization": f"Bearer {secret}"}
    )

    assert response.json()["errors"] == [
        {"field": "page_size", "message": "Zorg ervoor dat deze waarde hoogstens 200 is."}
    ]


# --- One person ------------------------------------------------------------------------------


def test_the_detail_shows_the_management_chain_from_the_top(client, personas):
    client.force_login(personas.peer.user)

    body = client.get(person_url(personas.employee)).json()

    assert body["id"] == str(personas.employee.public_id)
    assert body["chain"] == [
        {"id": str(personas.director.public_id), "full_name": "Diana de Directeur"},
        {"id": str(personas.manager.public_id), "full_name": "Mark Manager"},
    ]
    assert body["direct_report_count"] == 0


def test_me_is_the_callers_own_person(client, personas):
    client.force_login(personas.manager.user)

    body = client.get(f"{PEOPLE}/me").json()

    assert body["id"] == str(personas.manager.public_id)
    assert body["direct_report_count"] == 2
    assert [link["id"] for link in body["chain"]] == id_of(personas.director)


def test_me_is_not_found_for_an_account_without_a_person(client, personas):
    client.force_login(UserFactory(email="it-support@example.test", is_staff=True))

    assert_not_found(client.get(f"{PEOPLE}/me"))


def test_an_unknown_id_is_not_found(client, personas):
    client.force_login(personas.employee.user)

    assert_not_found(client.get(f"{PEOPLE}/{uuid.uuid4()}"))
    assert_not_found(client.get(f"{PEOPLE}/{uuid.uuid4()}/reports"))


def test_someone_who_has_left_is_not_found_by_an_employee_but_is_by_hr(client, personas):
    client.force_login(personas.employee.user)
    assert_not_found(client.get(person_url(personas.leaver)))
    assert_not_found(client.get(person_url(personas.leaver, "/reports")))

    client.force_login(personas.hr.user)
    assert client.get(person_url(personas.leaver)).status_code == 200


def test_an_id_that_is_not_a_uuid_is_a_validation_error(client, personas):
    client.force_login(personas.employee.user)

    assert_invalid(client.get(f"{PEOPLE}/42"), "id")


def test_reports_are_the_current_direct_reports(client, personas):
    client.force_login(personas.hr.user)

    body = client.get(person_url(personas.manager, "/reports")).json()

    assert [item["id"] for item in body["results"]] == id_of(personas.employee, personas.peer)
    assert body["count"] == 2


# --- Teams -----------------------------------------------------------------------------------


def test_the_team_list_counts_current_members(client, personas):
    client.force_login(personas.employee.user)

    results = client.get(TEAMS).json()["results"]

    by_name = {team["name"]: team for team in results}
    assert list(by_name) == ["Finance", "IT", "Operations", "People & Culture", "Planning"]
    assert by_name["Planning"] == {
        "id": str(personas.planning.public_id),
        "name": "Planning",
        "parent": {"id": str(personas.operations.public_id), "name": "Operations"},
        # Mark, Eva and Piet; Lotte has left.
        "member_count": 3,
    }
    assert by_name["Operations"]["parent"] is None
    assert by_name["Operations"]["member_count"] == 1


def test_the_team_list_searches_names(client, personas):
    client.force_login(personas.employee.user)

    results = client.get(TEAMS, {"q": "plan"}).json()["results"]

    assert [team["name"] for team in results] == ["Planning"]


def test_a_team_lists_its_sub_teams(client, personas):
    client.force_login(personas.employee.user)

    body = client.get(f"{TEAMS}/{personas.operations.public_id}").json()

    assert body["children"] == [{"id": str(personas.planning.public_id), "name": "Planning"}]
    assert body["member_count"] == 1


def test_an_unknown_team_is_not_found(client, personas):
    client.force_login(personas.employee.user)

    assert_not_found(client.get(f"{TEAMS}/{uuid.uuid4()}"))


# --- Query budgets ---------------------------------------------------------------------------


@pytest.fixture(params=[20, 500], ids=["20-people", "500-people"])
def organisation(request, personas):
    """The personas plus a crowd of Mark's reports in Planning, and as many small teams."""
    PersonFactory.create_batch(request.param, team=personas.planning, manager=personas.manager)
    TeamFactory.create_batch(request.param // 10, parent=personas.operations)
    return personas


def test_the_people_list_runs_a_fixed_number_of_queries(
    client, organisation, django_assert_num_queries
):
    client.force_login(organisation.manager.user)
    team = organisation.operations.public_id

    # Session, user with person, the page and one more (with team, manager and report count
    # joined in), not counted.
    with django_assert_num_queries(3):
        response = client.get(PEOPLE, {"page_size": 200})
    assert response.status_code == 200
    # The same, plus looking up the team of the filter.
    with django_assert_num_queries(4):
        client.get(PEOPLE, {"page_size": 200, "team": team, "ordering": "-start_date"})


def test_a_person_runs_a_fixed_number_of_queries(client, organisation, django_assert_num_queries):
    client.force_login(organisation.hr.user)

    # Session, user with person, the person, their chain.
    with django_assert_num_queries(4):
        response = client.get(person_url(organisation.manager))
    assert response.json()["direct_report_count"] > 2


def test_the_reports_list_runs_a_fixed_number_of_queries(
    client, organisation, django_assert_num_queries
):
    client.force_login(organisation.employee.user)

    # Session, user with person, the manager, count, page.
    with django_assert_num_queries(5):
        response = client.get(person_url(organisation.manager, "/reports"), {"page_size": 200})
    assert len(response.json()["results"]) > 20


def test_the_team_list_runs_a_fixed_number_of_queries(
    client, organisation, django_assert_num_queries
):
    client.force_login(organisation.employee.user)

    # Session, user with person, count, page (with parent and member count).
    with django_assert_num_queries(4):
        response = client.get(TEAMS, {"page_size": 200})
    # The detail: session, user with person, the team, its sub-teams.
    with django_assert_num_queries(4):
        client.get(f"{TEAMS}/{organisation.operations.public_id}")
    assert response.json()["count"] > 5


def test_a_token_adds_no_query_per_row(client, organisation, django_assert_num_queries):
    _token, secret = access_token_create(user=organisation.employee.user, name="Script")
    headers = {"Authorization": f"Bearer {secret}"}
    client.get(PEOPLE, headers=headers)

    # The token with its user and person (last used a moment ago: no write), the page.
    with django_assert_num_queries(2):
        client.get(PEOPLE, {"page_size": 200}, headers=headers)
