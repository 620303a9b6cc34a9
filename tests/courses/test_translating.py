"""Lessons translate with wagtail-localize whatever their blocks hold."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Locale

from accounts import roles
from courses.models import LessonPage
from tests import factories
from tests.accounts.test_roles import with_totp
from tests.cms.test_translation_review import course_catalogues_in

pytestmark = pytest.mark.django_db


def _document(name: str) -> Document:
    return Document.objects.create(title=name, file=ContentFile(b"data", name=name))


def _video(*, embed: str = "", file: Document | None = None, captions: Document | None = None):
    return {
        "type": "video",
        "id": factories._id(),
        "value": {
            "title": "Signalen herkennen",
            "embed": embed,
            "file": file.pk if file else None,
            "captions": captions.pk if captions else None,
            "transcript": "<p>Wat je ziet en hoort.</p>",
        },
    }


def test_a_lesson_with_a_video_file_translates(client):
    course_catalogues_in("en")
    course = factories.make_course(title="Module met video")
    video, captions = _document("film.mp4"), _document("film.vtt")
    lesson = factories.lesson(
        course,
        "Videoles",
        [_video(file=video, captions=captions), _video(embed="https://vimeo.com/76979871")],
    )
    client.force_login(with_totp(factories.UserFactory(role=roles.COURSE_EDITOR)))
    english = Locale.objects.get_or_create(language_code="en")[0]
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[course.pk]),
        {"locales": [english.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302
    translated = LessonPage.objects.get(translation_key=lesson.translation_key, locale=english)
    with_file, with_embed = (block.value for block in translated.body)
    assert with_file["file"] == video and with_file["captions"] == captions
    assert not with_file["embed"]
    assert with_embed["embed"].url == "https://vimeo.com/76979871"
    assert with_file["title"] == "Signalen herkennen"  # untranslated until translated
