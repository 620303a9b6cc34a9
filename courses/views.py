"""Editor-only views in the Wagtail admin."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import courses_editable_by


def sources_review(request):
    """Content review: every course the editor may change, with its sources (editors only)."""
    courses = courses_editable_by(user=request.user)
    return render(
        request,
        "courses_admin/sources.html",
        {"page_title": _("Course sources"), "header_icon": "doc-full", "courses": courses},
    )
