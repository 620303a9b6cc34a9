"""`GET /me/xapi`: the learner's e-learning completions as xAPI 1.0.3 statements, a page at a
time (the statements themselves are made by `lms.xapi`)."""

from django.http import HttpRequest
from ninja import Query, Router

from accounts.api_schema import responses
from courses.api import PageQuery

from ..models import Completion
from ..selectors import learner_completions
from ..xapi import xapi_statement
from .schemas import READ, XapiResultOut

router = Router()


@router.get(
    "/me/xapi",
    operation_id="lms_api_my_xapi",
    response=responses({200: XapiResultOut}, *READ),
    summary="My completions as xAPI 1.0.3 statements (a StatementResult)",
)
def my_xapi(request: HttpRequest, paging: Query[PageQuery]):
    # e-learning passes only: a training on location has no course activity or score (ADR 0017)
    completions = (
        learner_completions(user=request.user)
        .filter(source=Completion.Source.ELEARNING)
        .select_related("course__locale", "user", "attempt")
    )
    start = (paging.page - 1) * paging.page_size
    page = list(completions[start : start + paging.page_size + 1])
    more = ""
    if len(page) > paging.page_size:
        page = page[: paging.page_size]
        more = f"{request.path}?page={paging.page + 1}&page_size={paging.page_size}"
    return {"statements": [xapi_statement(c) for c in page], "more": more}
