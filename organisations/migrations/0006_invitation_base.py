"""Staff and co-manager invitations share one abstract base: `accepted` (a copy of
`accepted_at is not null`) goes, and co-manager invitations get a language like staff ones."""

from django.db import migrations, models
from django.db.models import F, Q

import accounts.models


def accepted_at_from_accepted(apps, schema_editor):
    """Keep every accepted invitation accepted: one marked accepted without a moment gets its
    creation time (the earliest it can have been accepted)."""
    Invitation = apps.get_model("organisations", "Invitation")
    Invitation.objects.filter(accepted=True, accepted_at__isnull=True).update(
        accepted_at=F("created_at")
    )


def accepted_from_accepted_at(apps, schema_editor):
    Invitation = apps.get_model("organisations", "Invitation")
    Invitation.objects.filter(accepted_at__isnull=False).update(accepted=True)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_language_choices_callable"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="invitation",
            name="one_open_invitation_per_email",
        ),
        # between the constraints: undone, `accepted` is filled in before the old one returns
        migrations.RunPython(accepted_at_from_accepted, accepted_from_accepted_at),
        migrations.RemoveField(
            model_name="invitation",
            name="accepted",
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=Q(accepted_at__isnull=True),
                fields=("organisation", "email"),
                name="one_open_invitation_per_email",
            ),
        ),
        migrations.AddField(
            model_name="managerinvitation",
            name="language",
            field=models.CharField(
                choices=accounts.models.language_choices,
                default="nl",
                help_text="The invitation e-mail and the page it links to are in this language.",
                max_length=5,
                verbose_name="language",
            ),
        ),
    ]
