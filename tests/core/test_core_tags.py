import uuid

import pytest
from django import forms
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from stip.core.templatetags.core_tags import field


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


def test_every_url_tag_writes_the_link_reverse_gives():
    """`{% url %}` is `links.link` in every template: with no argument, UUIDs by name or by
    position, two of them in either order, and others (reversed as before)."""
    from stip.core.templatetags.links import LinkNode

    assert isinstance(Template("{% url 'home' %}").nodelist[0], LinkNode)
    meeting, item = uuid.uuid4(), uuid.uuid4()
    for template, expected in [
        ("{% url 'home' %}", reverse("home")),
        ("{% url 'people:profile' public_id=a %}", reverse("people:profile", args=[meeting])),
        ("{% url 'people:profile' a %}", reverse("people:profile", args=[meeting])),
        (
            "{% url 'conversations:action_done' public_id=a item_id=b %}",
            reverse("conversations:action_done", args=[meeting, item]),
        ),
        (
            "{% url 'conversations:action_done' item_id=b public_id=a %}",
            reverse("conversations:action_done", args=[meeting, item]),
        ),
        (
            "{% url 'conversations:action_done' b a %}",
            reverse("conversations:action_done", args=[item, meeting]),
        ),
        ("{% url 'admin:app_list' 'auth' %}", reverse("admin:app_list", args=["auth"])),
    ]:
        for _ in range(2):  # the second time from what the first kept
            assert Template(template).render(Context({"a": meeting, "b": item})) == expected


def test_a_url_tag_follows_the_script_prefix_and_fails_as_djangos_does():
    public_id = uuid.uuid4()
    template = Template("{% url 'people:profile' public_id=id %}")
    assert template.render(Context({"id": public_id})) == f"/people/{public_id}/"
    set_script_prefix("/stip/")
    try:
        assert template.render(Context({"id": public_id})) == f"/stip/people/{public_id}/"
    finally:
        clear_script_prefix()
    # An unknown view: an error, or nothing with `as`.
    with pytest.raises(NoReverseMatch):
        Template("{% url 'people:nowhere' %}").render(Context())
    with pytest.raises(NoReverseMatch):
        Template("{% url 'people:profile' public_id=id %}").render(Context({"id": 7}))
    rendered = Template("{% url 'people:nowhere' as link %}[{{ link }}]").render(Context())
    assert rendered == "[]"


def test_a_url_tag_escapes_what_it_writes_where_the_template_escapes():
    template = "{% url 'admin:auth_group_change' key %}"
    assert Template(template).render(Context({"key": "a&b"})) == "/admin/auth/group/a&amp;b/change/"
    unescaped = Template("{% autoescape off %}" + template + "{% endautoescape %}")
    assert unescaped.render(Context({"key": "a&b"})) == "/admin/auth/group/a&b/change/"


class FieldForm(forms.Form):
    title = forms.CharField(label="Title <b>", help_text="Short & sweet", max_length=20)
    agree = forms.BooleanField(label="I agree", required=False)


def test_a_field_is_its_label_control_and_help_which_the_control_names():
    html = field(FieldForm()["title"])
    assert html == (
        '<div class="field">\n'
        '  <label for="id_title">Title &lt;b&gt;:</label><input type="text" name="title"'
        ' maxlength="20" required aria-describedby="id_title_helptext" id="id_title">\n'
        '  <p class="help" id="id_title_helptext">Short &amp; sweet</p>\n'
        "  \n"
        "</div>\n"
    )


def test_a_checkbox_comes_before_its_label_and_errors_are_listed():
    form = FieldForm(data={"title": "x" * 21})
    assert not form.is_valid()
    html = field(form["title"])
    assert html.startswith('<div class="field field-error">')
    assert '<ul class="errorlist" id="id_title_error"><li>Ensure this value has at most 20' in html
    assert 'aria-describedby="id_title_helptext id_title_error"' in html  # both found by id
    with translation.override("nl"):
        assert "Zorg dat deze waarde niet meer dan 20 tekens bevat" in field(
            FieldForm(data={"title": "x" * 21})["title"]
        )
    box = field(form["agree"])
    assert box.startswith('<div class="field checkbox">\n  <input type="checkbox" name="agree"')
    assert box.index("<input") < box.index('<label for="id_agree">')
