"""The page types of issue 10, each with the path and the user that show most of it (the
state comes from content.py). The accessibility test checks every one; the screenshot test
photographs the main ones."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PageType:
    path: Callable
    user: str | None = None  # an attribute of E2EContent
    status: int = 200
    has_video: bool = False
    lang: str = "nl"


# Every page type of issue 10, with the state that shows most of it (see content.py).
PAGE_TYPES = {
    "home": PageType(lambda c: "/"),
    "content-page": PageType(lambda c: c.content_page.url),
    "catalogue": PageType(lambda c: c.course.get_parent().url),
    "course": PageType(lambda c: c.course.url, user="learner"),
    "course-anonymous": PageType(lambda c: c.blocks_course.url),
    "storyline-choice": PageType(
        lambda c: reverse("lms:storyline_choose", args=[c.choosing_attempt.public_id]),
        user="manager",
    ),
    "new-attempt": PageType(lambda c: reverse("lms:start", args=[c.course.pk]), user="learner"),
    "lesson-player": PageType(
        lambda c: reverse("lms:lesson", args=[c.block_lesson.pk]), user="learner", has_video=True
    ),
    "results": PageType(
        lambda c: reverse("lms:attempt", args=[c.passed_attempt.public_id]), user="learner"
    ),
    "my-learning": PageType(lambda c: reverse("lms:my_learning"), user="learner"),
    "my-certificates": PageType(lambda c: reverse("certificate_list"), user="learner"),
    "certificate": PageType(
        lambda c: reverse("certificate_detail", args=[c.certificate.code]), user="learner"
    ),
    "verify-lookup": PageType(lambda c: reverse("verify_lookup")),
    "verify": PageType(lambda c: reverse("verify", args=[c.certificate.code])),
    "verify-unknown": PageType(lambda c: reverse("verify", args=["AAAA-BBBB-CCCC"]), status=404),
    "registration": PageType(lambda c: reverse("account_signup")),
    "login": PageType(lambda c: reverse("account_login")),
    "login-en": PageType(lambda c: "/en" + reverse("account_login"), lang="en"),
    "password-reset": PageType(lambda c: reverse("account_reset_password")),
    "account-settings": PageType(lambda c: reverse("accounts:settings"), user="learner"),
    "organisation-registration": PageType(
        lambda c: reverse("organisations:register"), user="learner"
    ),
    "manager-dashboard": PageType(
        lambda c: reverse("organisations:dashboard", args=[c.organisation.pk]), user="manager"
    ),
    "invitation": PageType(
        lambda c: reverse("organisations:invitation_accept", args=[c.invitation.token]),
        user="learner",
    ),
    "organisations": PageType(lambda c: reverse("organisations:list"), user="manager"),
    # the manager's confirmation before an open invitation is withdrawn, and a personal
    # invitation opened by an account it is not for (a clear refusal, not the invitation)
    "invitation-withdraw": PageType(
        lambda c: reverse(
            "organisations:invitation_withdraw", args=[c.organisation.pk, c.invitation.pk]
        ),
        user="manager",
    ),
    "invitation-other-address": PageType(
        lambda c: reverse("organisations:invitation_accept", args=[c.invitation.token]),
        user="manager",
        status=403,
    ),
    # issue 16: the page behind the poster's QR code (here in Polish), the poster itself and
    # the programme's approval of a registration
    "join-pl": PageType(
        lambda c: "/pl" + reverse("organisations:join", args=[c.organisation.join_token]),
        lang="pl",
    ),
    "join-poster": PageType(
        lambda c: reverse("organisations:join_poster", args=[c.organisation.pk]) + "?taal=all",
        user="manager",
    ),
    "registration-review": PageType(
        lambda c: reverse("organisations:registration_review", args=[c.organisation.pk]),
        user="programme_staff",
    ),
    "certified-establishments": PageType(lambda c: reverse("organisations:public_list")),
    "programme-dashboard": PageType(
        lambda c: reverse("reporting:dashboard"), user="programme_staff"
    ),
    "target-detail": PageType(
        lambda c: reverse("reporting:target", args=[c.target.pk]), user="programme_staff"
    ),
    "not-found": PageType(lambda c: "/deze-pagina-bestaat-niet/", status=404),
}
