"""What a row of a long list shows, made once a row in Python (stip.core.rows)."""

import datetime

import pytest
from django.utils import dateformat, formats, translation

from stip.core import rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_lists_dates_are_written_as_djangos_filters_write_them(language):
    moment = datetime.datetime(2026, 3, 5, 14, 7, tzinfo=datetime.UTC)
    values = [datetime.date(2026, 3, 31), datetime.date(2026, 12, 1), datetime.date(2026, 3, 31)]
    with translation.override(language):
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            text = rows.dates(name)
            assert [text(v) for v in [*values, moment]] == [
                formats.date_format(v, name) for v in [*values, moment]
            ]
        assert rows.dates("DATETIME_FORMAT")(moment) == formats.date_format(
            moment, "DATETIME_FORMAT"
        )
        assert rows.dates("DATE_FORMAT")(values[0]) == (
            "March 31, 2026" if language == "en" else "31 maart 2026"
        )
        # A pattern with escaped characters, as Django writes it.
        pattern = r"\d\e j\e F, \\Y"
        assert rows.dates(pattern)(moment) == dateformat.format(moment, pattern)


def test_a_row_is_read_as_attributes_and_by_templates():
    from django.template import Context, Template

    row = rows.Row({"title": "Grow", "progress": 40})
    row.url = "/goals/1/"
    assert (row.title, row.url, row["url"]) == ("Grow", "/goals/1/", "/goals/1/")
    assert getattr(row, "missing", None) is None
    with pytest.raises(AttributeError):
        _ = row.missing
    html = Template('<a href="{{ g.url }}">{{ g.title }}</a> {{ g.missing|default:"-" }}').render(
        Context({"g": row})
    )
    assert html == '<a href="/goals/1/">Grow</a> -'
