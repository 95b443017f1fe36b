"""Template helpers shared by every app (`{% load core_tags %}`)."""

from django import template

from stip.core import links

register = template.Library()

# `{% url_with_id 'people:profile' p.public_id %}`: see stip/core/links.py.
register.simple_tag(links.url_with_id, name="url_with_id")
