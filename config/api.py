"""The public JSON API, versioned under /api/v1/ (django-ninja).

Each app contributes a router from its own `api.py`; this module only assembles them.
Authentication is per operation: a session cookie (CSRF checked) or a personal access token
(`Authorization: Bearer stm_…`); public endpoints such as certificate verification need neither.
"""

from ninja import NinjaAPI

from certificates.api import router as certificates_router
from config import api_errors
from courses.api import router as courses_router
from lms.api import router as lms_router
from organisations.api import organisations_router
from reporting.api import router as reporting_router
from trainings.api import router as trainings_router

api = NinjaAPI(
    title="Samen tegen mensenhandel – leerplatform",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)
api_errors.register(api)
api.add_router("/reports", reporting_router)
api.add_router("/courses", courses_router)
api.add_router("", lms_router)  # /courses/{slug}/enrol, /attempts/..., /lessons/..., /me/...
api.add_router("/organisations", organisations_router)
api.add_router("/certificates", certificates_router)
api.add_router("/trainings", trainings_router)
