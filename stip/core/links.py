"""Links at a fraction of `reverse()`'s cost: pages build the links of a long list's rows with
`url_with_id`, templates with `{% url_with_id %}` (core_tags); every `{% url %}` is `link`
(stip/core/templatetags/links.py)."""

import functools
import re
import uuid
from collections.abc import Callable

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_STAND_IN = uuid.UUID(int=0)
# Stand-ins for a link's arguments, in order: UUIDs no real object has.
_STAND_INS = tuple(uuid.UUID(int=n) for n in range(1, 9))


def url_with_id(viewname: str, public_id: uuid.UUID) -> str:
    """`{% url viewname public_id=… %}` for a row of a long list, at a fraction of its cost.

    `reverse()` matches the URL pattern again on every call (15-20 µs with the tag): one or two
    links on each of 50 rows was a millisecond or two, more than rendering the rest of the rows.
    A row's link differs from its neighbours' only by the id, so the pattern is reversed once,
    with a stand-in id, and each id put in its place (a UUID needs no quoting).
    """
    return url_with_id_of(viewname)(public_id)


def url_with_id_of(
    viewname: str, *, id_name: str = "public_id", **fixed
) -> Callable[[uuid.UUID], str]:
    """`url_with_id` for one view and many ids, e.g. a page's rows: the script prefix and the
    URL configuration, read from the request's context-local state (~4 µs), are read once, not
    once a row. `id_name` names the URL's argument that differs from row to row, `fixed` the
    others (a meeting's items: `id_name="item_id", public_id=meeting.public_id`); only links
    with nothing fixed are kept from one request to the next."""
    if fixed:
        before, after = _around(viewname, id_name, fixed, get_urlconf())
    else:
        (before, after), _order = _pieces(
            viewname, 0, (id_name,), None, get_script_prefix(), get_urlconf(), get_language()
        )
    return lambda row_id: f"{before}{row_id}{after}"


def _around(viewname: str, id_name: str, fixed: dict, urlconf: str | None) -> tuple[str, str]:
    url = reverse(viewname, urlconf=urlconf, kwargs={**fixed, id_name: _STAND_IN})
    before, _, after = url.partition(str(_STAND_IN))
    return before, after


def link(viewname: str, args=(), kwargs=None, current_app: str | None = None) -> str:
    """`reverse()`, for `{% url %}`: a link whose arguments are all UUIDs (or that has none)
    is reversed once per view, with stand-ins, and each link is the pieces around them with its
    own ids put in (a UUID needs no quoting); `url_with_id_of` keeps its pieces the same way.
    Others are reversed as before.

    `reverse()` matches the URL pattern again on every call: 59 µs a `{% url %}` on the
    benchmark's machine, 26-42 of them a page (the menu alone is 12), 5-6% of the goal page,
    the home page and a conversation (finding 7 in docs/performance.md)."""
    kwargs = kwargs or {}
    values = (*args, *kwargs.values())
    if len(values) > len(_STAND_INS) or not all(type(v) is uuid.UUID for v in values):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    pieces, order = _pieces(
        viewname,
        len(args),
        tuple(kwargs),
        current_app,
        get_script_prefix(),
        get_urlconf(),
        get_language(),
    )
    if not order:
        return pieces[0]
    written = [pieces[0]]
    for piece, index in zip(pieces[1:], order, strict=True):
        written.append(str(values[index]))
        written.append(piece)
    return "".join(written)


@functools.lru_cache(maxsize=1024)
def _pieces(
    viewname: str,
    arg_count: int,
    kwarg_names: tuple[str, ...],
    current_app: str | None,
    script_prefix: str,
    urlconf: str | None,
    language: str | None,
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The link with stand-ins, cut around them: its literal pieces, and which argument goes
    between each two. The script prefix and the language are part of the key only: reverse()
    reads them, and they may differ by request."""
    stand_ins = _STAND_INS[: arg_count + len(kwarg_names)]
    url = reverse(
        viewname,
        urlconf=urlconf,
        args=stand_ins[:arg_count],
        kwargs=dict(zip(kwarg_names, stand_ins[arg_count:], strict=True)),
        current_app=current_app,
    )
    if not stand_ins:
        return (url,), ()
    written = [str(stand_in) for stand_in in stand_ins]
    pieces, order, start = [], [], 0
    for found in re.finditer("|".join(written), url):
        pieces.append(url[start : found.start()])
        order.append(written.index(found.group()))
        start = found.end()
    pieces.append(url[start:])
    return tuple(pieces), tuple(order)


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs) -> None:
    # As Django forgets its own URL caches when a test changes the URL configuration.
    if setting == "ROOT_URLCONF":
        _pieces.cache_clear()
