"""State changes for people: data export, account deletion, access tokens."""

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import personal_data
from .models import PersonalAccessToken, User
from .signals import account_anonymised


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, as JSON-serialisable data."""
    from allauth.account.models import EmailAddress

    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "sector": user.sector.slug if user.sector else None,
            "professional_role": user.professional_role.slug if user.professional_role else None,
            "region": user.region.slug if user.region else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user)
            ],
            "two_factor_enabled": user.authenticator_set.exists(),
            "access_tokens": [
                {
                    "name": t.name,
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in user.access_tokens.all()
            ],
        }
    }
    for section, exporter in sorted(personal_data.exporters().items()):
        data[section] = exporter(user)
    return data


@transaction.atomic
def user_anonymise(*, user: User) -> User:
    """Delete a person's account: personal data goes, the row stays so counts do not drop.

    Completions and certificates keep pointing at the anonymised row; the programme's numbers
    stay the same while nothing identifies the person any more."""
    from allauth.account.models import EmailAddress

    user.email = f"deleted-{uuid.uuid4().hex}@invalid.invalid"
    user.full_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    # A new password hash invalidates every open session of this person.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    user.authenticator_set.all().delete()
    user.access_tokens.all().delete()
    account_anonymised.send(sender=User, user=user)
    return user


def access_token_create(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = PersonalAccessToken.generate()
    token = PersonalAccessToken.objects.create(
        user=user, name=name, prefix=raw[:10], token_hash=PersonalAccessToken.hash(raw)
    )
    return token, raw


def access_token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def access_token_authenticate(*, raw: str) -> User | None:
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(
            token_hash=PersonalAccessToken.hash(raw), revoked_at__isnull=True, user__is_active=True
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
