"""People and the taxonomies used to count them (sector, region, professional role)."""

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .site_languages import active_language, text_in

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator
    from django.db.models.fields.related_descriptors import RelatedManager


def language_choices() -> list[tuple[str, str]]:
    """The site's languages (settings.LANGUAGES), each named in itself."""
    return list(settings.LANGUAGES)


class Taxonomy(models.Model):
    """A short editable list (sectors, regions, roles) used for reporting."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Dutch)"), max_length=120)
    # Names in the other site languages, {language code: name}: a fifth site language needs no
    # column and no migration (ADR 0015, amended).
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name_in(active_language())

    def name_in(self, language: str) -> str:
        """The name in `language`, by the rule of every per-language text (`text_in`)."""
        return text_in(self.name, self.names, language)


class Sector(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Region(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("region (veiligheidsregio)")
        verbose_name_plural = _("regions (veiligheidsregio's)")


class ProfessionalRole(Taxonomy):
    """What a person does in the approach to human trafficking (aandachtsfunctionaris,
    ketenregisseur, ...): targets such as "all aandachtsfunctionarissen trained" count by it."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("professional role")
        verbose_name_plural = _("professional roles")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with e-mail; `full_name` is printed on certificates."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=150,
        blank=True,
        help_text=_("Your name as it must appear on your certificates."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="nl",
        # A callable, so adding a language to settings.LANGUAGES needs no migration.
        choices=language_choices,
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    professional_role = models.ForeignKey(
        ProfessionalRole,
        verbose_name=_("professional role"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Used only for the programme's anonymous figures, such as how many "
            "aandachtsfunctionarissen have been trained."
        ),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the person deleted their account; the row stays for counting."),
    )

    objects = UserManager()

    if TYPE_CHECKING:
        # allauth ships no type information, so the plugin cannot add this reverse relation.
        authenticator_set: RelatedManager[Authenticator]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_programme_reports", _("Can view programme reports")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email

    # Wagtail's admin shows first/last name; map them onto full_name.
    @property
    def first_name(self) -> str:
        return self.full_name

    @property
    def last_name(self) -> str:
        return ""


class PersonalAccessToken(models.Model):
    """A bearer token for API integrations. Only a SHA-256 hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return settings.PERSONAL_ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CoordinatorScope(models.Model):
    """The regions a regional coordinator covers (ADR 0023): they read the programme figures of
    these regions only. Assigned by programme staff or site admins as a snippet; only people in
    the regional coordinator group can be chosen, and at least one region is required."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("regional coordinator"),
        on_delete=models.CASCADE,
        related_name="coordinator_scope",
        limit_choices_to={"groups__name": roles.REGIONAL_COORDINATOR},
        help_text=_("Only people in the group 'regional coordinator' can be chosen."),
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions"),
        related_name="coordinator_scopes",
        help_text=_("The coordinator sees the figures of these regions only."),
    )

    class Meta:
        verbose_name = _("regional coordinator's regions")
        verbose_name_plural = _("regional coordinators' regions")

    def __str__(self) -> str:
        return str(self.user)

    def region_names(self) -> str:
        return ", ".join(str(region) for region in self.regions.all())

    region_names.short_description = _("regions")  # type: ignore[attr-defined]
