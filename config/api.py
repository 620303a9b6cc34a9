"""The public JSON API, versioned under /api/v1/ (django-ninja).

Each app contributes a router from its own `api.py`; this module only assembles them.
Authentication is per operation: a session cookie (CSRF checked) or a personal access token
(`Authorization: Bearer stm_…`); public endpoints such as certificate verification need neither.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Samen tegen mensenhandel – leerplatform",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)
