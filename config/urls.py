from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from cms.admin_account import ProjectAccountView
from cms.language import language_switch
from cms.views import healthz
from config import api_errors
from config.api import api
from lms import views as lms_views

#: allauth answers its rate limits (login, sign-up, password reset) with this view.
handler429 = "accounts.views.too_many_requests"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # One rate-limited login for everyone (allauth); Wagtail's own login form is not served.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # The admin's account page with the one full-name field the user model has (cms.admin_account).
    path("admin/account/", never_cache(require_admin_access(ProjectAccountView.as_view()))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("api/v1/", api.urls),
    # Any other /api/ address: a JSON 404 (and no slash-appending redirect to the site's pages).
    re_path(r"^api/", api_errors.unknown_api_path),
]

urlpatterns += i18n_patterns(
    path("account/", include("allauth.urls")),
    path("mijn-account/", include("accounts.urls")),
    path("leren/", include("lms.urls")),
    path("catalogus/", lms_views.catalogue, name="courses_catalogue"),
    path("organisaties/", include("organisations.urls")),
    path("trainingen/", include("trainings.urls")),
    path("programma/", include("reporting.urls")),
    path("", include("outbox.urls")),  # beheer/vastgelopen-werk/ (stuck work)
    path("", include("certificates.urls")),  # certificaten/... and verify/<code>
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
