import uuid

from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix


def render(template: str, **context) -> str:
    return Template("{% load core_tags %}" + template).render(Context(context))


def test_url_with_id_is_the_url_reverse_gives():
    ids = [uuid.uuid4() for _ in range(3)]
    for public_id in ids:
        expected = reverse("people:profile", kwargs={"public_id": public_id})
        assert render("{% url_with_id 'people:profile' id %}", id=public_id) == expected
    assert render("{% url_with_id 'people:org_chart_children' id %}", id=ids[0]) == reverse(
        "people:org_chart_children", kwargs={"public_id": ids[0]}
    )


def test_url_with_id_follows_the_script_prefix():
    public_id = uuid.uuid4()
    render("{% url_with_id 'people:profile' id %}", id=public_id)
    set_script_prefix("/stip/")
    try:
        assert render("{% url_with_id 'people:profile' id %}", id=public_id) == (
            f"/stip/people/{public_id}/"
        )
    finally:
        clear_script_prefix()
    assert render("{% url_with_id 'people:profile' id %}", id=public_id) == (
        f"/people/{public_id}/"
    )


def test_the_links_of_a_list_are_those_reverse_gives():
    from stip.core.links import url_with_id_of

    meeting, items = uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    profile = url_with_id_of("people:profile")
    done = url_with_id_of("conversations:action_done", id_name="item_id", public_id=meeting)
    for item in items:
        assert profile(item) == reverse("people:profile", kwargs={"public_id": item})
        assert done(item) == reverse(
            "conversations:action_done", kwargs={"public_id": meeting, "item_id": item}
        )
    path = reverse("conversations:action_done", args=[meeting, items[0]])
    set_script_prefix("/stip/")
    try:
        done = url_with_id_of("conversations:action_done", id_name="item_id", public_id=meeting)
        assert done(items[0]) == f"/stip{path}"
    finally:
        clear_script_prefix()
