"""The API: one NinjaAPI instance under /api/v1/, to which each domain app adds its router."""

from ninja import NinjaAPI

from stip.api.auth import AUTH
from stip.api.errors import install_error_handlers
from stip.conversations.api import router as conversations_router
from stip.feedback.api import router as feedback_router
from stip.goals.api import router as goals_router
from stip.people.api import router as people_router

DESCRIPTION = """\
Stip's API reads and changes the same records as the pages, under the same rules: you see
through the API exactly what you see in the browser.

**Authentication**: a personal access token, created on your profile page under
“API tokens”, sent as `Authorization: Bearer stip_…`; or, from the browser, your session (unsafe
methods then need the `X-CSRFToken` header).

**Errors** always have the same body:
`{"detail": "<message>", "code": "<machine code>", "errors": [{"field": …, "message": …}]}`;
`errors` lists the invalid fields of a 422 and is empty otherwise. Something you may not see
answers 404, as if it did not exist.

**Lists** are paginated: `?page=1&page_size=50` (at most 200), answered as
`{"count", "page", "page_size", "next", "previous", "results"}`.

Records are identified by UUIDs.
"""

api = NinjaAPI(
    title="Stip API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
)
install_error_handlers(api)

api.add_router("/", people_router)
api.add_router("/", goals_router)
api.add_router("/", feedback_router)
api.add_router("/", conversations_router)
