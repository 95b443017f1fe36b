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
