"""Learning in the JSON API: enrol, take attempts, answer with immediate feedback, submit, see
progress, export completions as xAPI statements. Mounted at the API root (/api/v1/).

One module per concern, each with a router mounted here: `attempts` (enrol, attempts, answers,
scenario choices, submit), `progress` (lesson visits, my progress), `xapi` (the xAPI export);
`schemas` holds the shapes they answer with. Every operation needs a login (session cookie
with CSRF, or a personal access token): the routers inherit this router's `auth` and tag.
Operation ids are explicit (`lms_api_<operation>`), so moving an operation between modules
does not change the OpenAPI document (tests/api/test_openapi.py pins them)."""

from ninja import Router

from accounts.api_auth import AUTH

from . import attempts, progress, xapi

router = Router(tags=["learning"], auth=AUTH)
router.add_router("", attempts.router)
router.add_router("", progress.router)
router.add_router("", xapi.router)
