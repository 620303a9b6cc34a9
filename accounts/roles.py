"""Roles are Django groups; these names are the contract between code, seed data and docs."""

from django.utils.translation import gettext_lazy as _

LEARNER = "learner"
ORGANISATION_MANAGER = "organisation manager"
COURSE_EDITOR = "course editor"
#: Reviews course editors' changes and publishes them (editors cannot publish course pages).
COURSE_REVIEWER = "course reviewer"
PROGRAMME_STAFF = "programme staff"
SITE_ADMIN = "site admin"
#: plans sessions of the training formats they organise (in Wagtail) and sees their registrations
TRAINING_ORGANISER = "training organiser"
#: records attendance of the sessions they give (on the site, no admin access)
TRAINER = "trainer"
#: sees the programme dashboard, breakdowns and exports of their own region(s) only
REGIONAL_COORDINATOR = "regional coordinator"

ROLE_LABELS = {
    LEARNER: _("Learner"),
    ORGANISATION_MANAGER: _("Organisation manager"),
    COURSE_EDITOR: _("Course editor"),
    COURSE_REVIEWER: _("Course reviewer"),
    PROGRAMME_STAFF: _("Programme staff"),
    SITE_ADMIN: _("Site admin"),
    TRAINING_ORGANISER: _("Training organiser"),
    TRAINER: _("Trainer"),
    REGIONAL_COORDINATOR: _("Regional coordinator"),
}

#: Roles that need a second factor for the Wagtail admin; accounts.two_factor lists the roles of
#: every other staff area (organisation managers and trainers need one in their own area).
TWO_FACTOR_ROLES = {
    COURSE_EDITOR,
    COURSE_REVIEWER,
    PROGRAMME_STAFF,
    SITE_ADMIN,
    TRAINING_ORGANISER,
    REGIONAL_COORDINATOR,
}


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=role).exists()
