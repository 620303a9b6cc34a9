"""Which language a page speaks: the address's prefix, the first-visit redirect (cookie, then
Accept-Language), the language switch, and course pages in their course's language
(ADR 0015)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.urls.base import get_urlconf
from django.urls.resolvers import get_resolver
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from accounts.language_cookie import remember_language
from courses.models import CoursePage


def site_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _language_prefixed_patterns(urlconf) -> bool:
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    return is_language_prefix_patterns_used(urlconf)[0]


class PreferredLanguageMiddleware:
    """Sends a GET for an unprefixed (Dutch) address to the visitor's language when that is another
    site language (the cookie first, then Accept-Language); `?taal=<code>` counts as an explicit
    choice and is remembered. Placed after LocaleMiddleware. Why: ADR 0015 and ADR 0016."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = self._chosen_on_page(request)
        target = None if chosen else self._target(request)
        if target is not None:
            response: HttpResponse = HttpResponseRedirect(target)
            response.headers["Vary"] = "Accept-Language, Cookie"
            return response
        response = self.get_response(request)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            remember_language(response, chosen)
        return response

    def _chosen_on_page(self, request: HttpRequest) -> str | None:
        """The language chosen with a page's own language links: `?taal=` naming the language
        of the address it is on (elsewhere `taal` is the catalogue's course-language filter,
        which says nothing about the interface)."""
        if request.method not in ("GET", "HEAD"):
            return None
        chosen = request.GET.get("taal", "")
        address = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        return chosen if chosen == address and chosen in site_languages() else None

    def _target(self, request: HttpRequest) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        urlconf = getattr(request, "urlconf", None) or get_urlconf()
        if not _language_prefixed_patterns(urlconf):
            return None
        if translation.get_language_from_path(request.path_info):
            return None  # the address names its language
        # The cookie (an earlier choice) first, then Accept-Language, then Dutch.
        wanted = translation.get_language_from_request(request, check_path=False).split("-")[0]
        if wanted == settings.LANGUAGE_CODE or wanted not in site_languages():
            return None
        path = request.path_info
        try:
            here = resolve(path, urlconf)
            with translation.override(wanted):
                there = get_resolver(urlconf).resolve(f"/{wanted}{path}")
        except Resolver404:
            return None
        # Only addresses inside i18n_patterns move: /admin/, /api/ and the like resolve to
        # another view (or nothing) under a language prefix.
        if (here.func, here.args, here.kwargs) != (there.func, there.args, there.kwargs):
            return None
        page_path = there.kwargs.get("path", there.args[0] if there.args else "")
        if there.func is wagtail_serve and not _page_exists(request, page_path, wanted):
            return None  # a page with no version in that language (a Dutch-only course) stays
        query = request.META.get("QUERY_STRING", "")
        script_prefix = request.path[: len(request.path) - len(path)]
        return f"{script_prefix}/{wanted}{path}" + (f"?{query}" if query else "")


def _page_exists(request: HttpRequest, path: str, language: str) -> bool:
    """Whether Wagtail serves a live page at `path` under the `language` prefix: the route its
    `serve` view takes (the site's root in that language, then the path's slugs), without
    caching the route on the request as `Page.route_for_request` does."""
    site = Site.find_for_request(request)
    if site is None:
        return False
    with translation.override(language):
        try:
            site.root_page.localized.specific.route(request, [c for c in path.split("/") if c])
        except Http404:
            return False
    return True


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (validates the language, sets the cookie, goes to the same address
    in that language), plus: with `page` (a page's translation key, e.g. of the course whose
    pages are shown) it goes to that page's version in the chosen language, because a course
    version's pages always speak the course's language. A course without a version in that
    language sends the visitor to the catalogue in the chosen language, saying why."""
    # set_language translates `next` only from the active language, and LocaleMiddleware
    # makes /i18n/setlang/ (no prefix) Dutch: speak the language of the page the visitor was
    # on, so leaving /pl/... for Dutch lands on the Dutch address of the same page.
    next_language = translation.get_language_from_path(request.POST.get("next", ""))
    if next_language:
        translation.activate(next_language)
    response = set_language(request)
    language = request.POST.get("language", "")
    key = request.POST.get("page", "")
    if language not in site_languages() or not key or response.status_code != 302:
        return response
    try:
        translation_key = uuid.UUID(key)
    except ValueError:
        return response
    version = (
        Page.objects.live()
        .filter(translation_key=translation_key, locale__language_code=language)
        .first()
    )
    with translation.override(language):
        if version is not None:
            url = version.get_url(request)
            if url:
                response["Location"] = url
                return response
        source = Page.objects.live().filter(translation_key=translation_key).first()
        # Other pages without a version in that language are shown from the Dutch tree in
        # the chosen interface language (set_language's address); a course page would speak
        # its own language there, so the visitor goes to the courses of the chosen language.
        if source is None or not issubclass(source.specific_class or Page, CoursePage):
            return response
        name = translation.get_language_info(language)["name_local"]
        messages.info(
            request,
            _(
                "This page is not available in the language you chose (%(language)s). "
                "Here are the courses in that language."
            )
            % {"language": name},
        )
        response["Location"] = reverse("courses_catalogue") + f"?taal={language}"
    return response
