"""Page-number pagination: `?page=2&page_size=50`, answered as

    {"count": 120, "page": 2, "page_size": 50, "next": "<url>", "previous": "<url>", "results": []}

Two queries whatever the size of the list: the count and the page. The queryset must have a
total order (end with a unique field), or rows could repeat or vanish between pages.

A list that holds more rows the larger the organisation is not counted: `uncounted_page`
answers it in one query, the page and one row more, with `count` null (`UncountedPage`).

    @router.get("/goals", response={200: Page[GoalOut], **error_responses(401, 422)})
    def goal_list(request, pagination: Query[PageIn]):
        return paginate(request, Goal.objects.visible_to(request.user), pagination)
"""

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from stip.core import paging

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

T = TypeVar("T")


class PageIn(Schema):
    page: int = Field(1, ge=1, description="The page to return, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results per page, at most {MAX_PAGE_SIZE}.",
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="How many results there are on all pages together.")
    page: int
    page_size: int
    next: str | None = Field(description="The URL of the next page, or null on the last.")
    previous: str | None = Field(description="The URL of the previous page, or null on the first.")
    results: list[T]


class UncountedPage(Schema, Generic[T]):
    """`Page`, whose `count` is null where counting would read every row the caller may see:
    there are more of them the larger the organisation. Follow `next` until it is null."""

    count: int | None = Field(
        description="How many results there are on all pages together; null when not counted."
    )
    page: int
    page_size: int
    next: str | None = Field(description="The URL of the next page, or null on the last.")
    previous: str | None = Field(description="The URL of the previous page, or null on the first.")
    results: list[T]


def paginate(request: HttpRequest, queryset: QuerySet, pagination: PageIn) -> dict[str, Any]:
    count = queryset.count()
    size = pagination.page_size
    offset = (pagination.page - 1) * size
    # A page past the end is empty rather than an error, so that a client stops on `next: null`.
    results = list(queryset[offset : offset + size]) if offset < count else []
    return {
        "count": count,
        "page": pagination.page,
        "page_size": size,
        "next": page_url(request, pagination.page + 1) if offset + size < count else None,
        "previous": (
            page_url(request, min(pagination.page - 1, _last_page(count, size)))
            if pagination.page > 1
            else None
        ),
        "results": results,
    }


def uncounted_page(request: HttpRequest, queryset: QuerySet, pagination: PageIn) -> dict[str, Any]:
    """A page without the count: the page and one row more, which says whether another
    follows (`core.paging.page_of`). One query."""
    page = paging.page_of(queryset, pagination.page, size=pagination.page_size)
    return answer_page(request, page, pagination)


def answer_page(request: HttpRequest, page: paging.Page, pagination: PageIn) -> dict[str, Any]:
    """An uncounted page (`UncountedPage`) of a `core.paging.Page` made otherwise, such as
    `core.paging.merged_page_of`."""
    return {
        "count": None,
        "page": page.number,
        "page_size": pagination.page_size,
        "next": page_url(request, page.next_page_number) if page.has_next else None,
        "previous": page_url(request, page.previous_page_number) if page.has_previous else None,
        "results": page.object_list,
    }


def _last_page(count: int, size: int) -> int:
    return max(1, -(-count // size))


def page_url(request: HttpRequest, page: int) -> str:
    """The address of page `page` of the list `request` asked for, with its other parameters."""
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
