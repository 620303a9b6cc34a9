"""Programme targets: editable data (Wagtail snippets), never constants in code."""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from accounts.site_languages import (
    PerLanguageTextsForm,
    active_language,
    labelled_in,
    other_site_languages,
    per_language_field_names,
    per_language_form,
    text_in,
)
from organisations.models import Organisation

_KIND = Organisation.Kind


class OrganisationScope(models.TextChoices):
    ALL = "", _("all organisations")
    HOTELS_AND_HOLIDAY_PARKS = "hotel_vakantiepark", _("hotels and holiday parks")
    HOTELS = "hotel", _("hotels")
    HOLIDAY_PARKS = "vakantiepark", _("holiday parks")
    OTHER = "other", _("other organisations")


#: Which organisation kinds an organisation target counts.
ORGANISATION_SCOPES: dict[str, list[str]] = {
    OrganisationScope.ALL: list(_KIND.values),
    OrganisationScope.HOTELS_AND_HOLIDAY_PARKS: [_KIND.HOTEL, _KIND.HOLIDAY_PARK],
    OrganisationScope.HOTELS: [_KIND.HOTEL],
    OrganisationScope.HOLIDAY_PARKS: [_KIND.HOLIDAY_PARK],
    OrganisationScope.OTHER: [_KIND.OTHER],
}


class OutsideSource(models.TextChoices):
    """Counts made outside the platform that programme staff import (ADR 0024)."""

    BUIT = "buit", _("external BUIT e-learning")
    CAMPAIGN = "campaign", _("awareness campaign reach")


class _TargetAdminFormBase(PerLanguageTextsForm):
    """Asks the title in every site language (and the description, when there is a Dutch one), so
    no page or report mixes languages (ADR 0026). Refuses a course chosen twice (or two language
    versions of one course) with a form error, instead of letting the unique constraint on
    (target, course_key) fail on save."""

    per_language = {"title": "titles", "description": "descriptions"}

    def clean(self):
        cleaned = super().clean()
        for language in other_site_languages():
            if not (cleaned.get(f"title_{language}") or "").strip():
                self.add_error(
                    f"title_{language}",
                    _("Enter the title in this language too: pages in this language show it."),
                )
            if (cleaned.get("description") or "").strip() and not (
                cleaned.get(f"description_{language}") or ""
            ).strip():
                self.add_error(
                    f"description_{language}",
                    _(
                        "Enter the description in this language too, as there is a Dutch one: "
                        "pages in this language show it."
                    ),
                )
        formset = self.formsets.get("courses")
        if formset is None or not formset.is_valid():
            return cleaned
        seen = set()
        for form in formset.forms:
            if form in formset.deleted_forms:
                continue
            course = form.cleaned_data.get("course")
            training = form.cleaned_data.get("training")
            if course is not None and training is not None:
                form.add_error("training", _("Choose a course or a training, not both."))
                self.add_error(None, _("Choose a course or a training, not both."))
                continue
            chosen = course or training
            if chosen is None:
                form.add_error("course", _("Choose a course or a training."))
                self.add_error(None, _("Choose a course or a training."))
                continue
            if chosen.translation_key in seen:
                message = _("This course, or another language version of it, is already chosen.")
                form.add_error("training" if training else "course", message)
                self.add_error(None, message)
            seen.add(chosen.translation_key)
        return cleaned


TargetAdminForm = per_language_form(
    "TargetAdminForm",
    _TargetAdminFormBase,
    {
        "title": lambda code: forms.CharField(
            label=labelled_in(_("title ({language})"), code), max_length=200, required=False
        ),
        "description": lambda code: forms.CharField(
            label=labelled_in(_("description ({language})"), code),
            widget=forms.Textarea,
            required=False,
        ),
    },
)


class Target(ClusterableModel):
    """A target of the action plan, e.g. 20.000 professionals trained in module 1 by 31-12-2026."""

    class Unit(models.TextChoices):
        PEOPLE_PASSED = "people_passed", _("unique people who passed")
        ORGANISATIONS_CERTIFIED = "organisations_certified", _("certified organisations")
        ORGANISATIONS_REGISTERED = "organisations_registered", _("registered organisations")

    class Goal(models.TextChoices):
        NUMBER = "number", _("a number")
        ALL_OF_N = "all_of_n", _("all of N (N entered by the programme)")

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in URLs and exports, e.g. 'module-1'."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The same in the other site languages, {language code: text} (required in the admin form;
    # ADR 0026, the rule of accounts.site_languages).
    titles = models.JSONField(_("titles in other languages"), default=dict, blank=True)
    descriptions = models.JSONField(_("descriptions in other languages"), default=dict, blank=True)
    unit = models.CharField(_("what is counted"), max_length=30, choices=Unit.choices)
    sectors = ParentalManyToManyField(
        "accounts.Sector",
        blank=True,
        verbose_name=_("only people in these sectors"),
        help_text=_("Leave empty to count people of every sector (and people without a sector)."),
    )
    professional_roles = ParentalManyToManyField(
        "accounts.ProfessionalRole",
        blank=True,
        verbose_name=_("only people in these professional roles"),
        help_text=_(
            "Leave empty to count people of every role (and people without a role). With roles "
            "chosen, only people who gave one of them in their profile count."
        ),
    )
    organisation_scope = models.CharField(
        _("which organisations"),
        max_length=30,
        blank=True,
        default=OrganisationScope.ALL,
        choices=OrganisationScope.choices,
        help_text=_("For targets that count organisations."),
    )
    counts_outside_buit = models.BooleanField(
        _("imported completions of the external BUIT e-learning count"),
        default=False,
        help_text=_("For targets that count people: rows of outside counts with this source."),
    )
    counts_outside_campaign = models.BooleanField(
        _("imported reach of the awareness campaign counts"),
        default=False,
        help_text=_("For targets that count people: rows of outside counts with this source."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(
        _("period end"), help_text=_("Inclusive: passes on this day (Dutch time) count.")
    )
    goal = models.CharField(_("target type"), max_length=10, choices=Goal.choices)
    target_number = models.PositiveIntegerField(
        _("target number"), null=True, blank=True, help_text=_("For a target of type 'a number'.")
    )
    population = models.PositiveIntegerField(
        _("N (size of the whole group)"),
        null=True,
        blank=True,
        help_text=_("For 'all of N': how many people or organisations make up the whole group."),
    )
    population_source = models.CharField(
        _("source of N"),
        max_length=300,
        blank=True,
        help_text=_("Where N comes from (register, organisation, document)."),
    )
    population_date = models.DateField(_("date of N"), null=True, blank=True)
    source_note = models.TextField(
        _("source"), blank=True, help_text=_("Where the target comes from (document, page).")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    # What the kept counts (CountedPerson, CountedCell) were built for: a fingerprint of the
    # counting definition (courses, sector and role filters). While it differs from the
    # target's current definition the kept counts are not read (ADR 0020).
    counts_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    base_form_class = TargetAdminForm
    panels = [
        FieldPanel("title"),
        FieldPanel("code"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel(field_name)
                for pair in zip(
                    per_language_field_names("title"),
                    per_language_field_names("description"),
                    strict=True,
                )
                for field_name in pair
            ],
            heading=_("In the other interface languages"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("unit"),
                InlinePanel("courses", label=_("counting courses")),
                FieldPanel("sectors"),
                FieldPanel("professional_roles"),
                FieldPanel("counts_outside_buit"),
                FieldPanel("counts_outside_campaign"),
                FieldPanel("organisation_scope"),
            ],
            heading=_("What counts"),
        ),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Period")),
        MultiFieldPanel(
            [
                FieldPanel("goal"),
                FieldPanel("target_number"),
                FieldPanel("population"),
                FieldPanel("population_source"),
                FieldPanel("population_date"),
            ],
            heading=_("Target"),
        ),
        FieldPanel("source_note"),
        InlinePanel("reference_points", label=_("reference points")),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "period_end", "title"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="target_period_not_reversed",
            ),
            models.CheckConstraint(
                condition=Q(goal="all_of_n") | Q(target_number__isnull=False),
                name="target_number_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def local_title(self) -> str:
        """The title in the active interface language (`text_in`: else English, else Dutch, for
        a target saved before it had its other languages; the admin form asks for all)."""
        return text_in(self.title, self.titles, active_language())

    @property
    def local_description(self) -> str:
        return text_in(self.description, self.descriptions, active_language())

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.goal == self.Goal.NUMBER and self.target_number is None:
            errors["target_number"] = _("Enter the target number.")
        if errors:
            raise ValidationError(errors)

    @property
    def goal_value(self) -> int | None:
        """The number to reach; None while N of an 'all of N' target is not entered yet."""
        if self.goal == self.Goal.ALL_OF_N:
            return self.population
        return self.target_number

    @property
    def counts_people(self) -> bool:
        return self.unit == self.Unit.PEOPLE_PASSED

    @property
    def outside_sources(self) -> list[str]:
        """The imported outside counts (ADR 0024) that count toward this people target."""
        if not self.counts_people:
            return []
        chosen = {
            OutsideSource.BUIT: self.counts_outside_buit,
            OutsideSource.CAMPAIGN: self.counts_outside_campaign,
        }
        return [source for source, counts in chosen.items() if counts]


class TargetCourse(Orderable):
    """A course whose passes count toward a target, in all its language versions; or a training
    on location whose completions count (ADR 0017): both are Completions with a course_key, so a
    person who did the e-learning and the training counts once for the target."""

    target = ParentalKey(Target, on_delete=models.CASCADE, related_name="courses")
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course (any language version)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    training = models.ForeignKey(
        "trainings.TrainingFormat",
        verbose_name=_("or a training on location (any language version)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Copied from the chosen page so counting survives deleting that language version.
    course_key = models.UUIDField(editable=False, db_index=True)

    panels = [FieldPanel("course"), FieldPanel("training")]

    class Meta(Orderable.Meta):
        verbose_name = _("counting course")
        verbose_name_plural = _("counting courses")
        constraints = [
            models.UniqueConstraint(fields=["target", "course_key"], name="unique_target_course")
        ]

    def __str__(self) -> str:
        if self.course_id:
            return str(self.course)
        return str(self.training) if self.training_id else str(self.course_key)

    def save(self, *args, **kwargs):
        if self.course is not None:
            self.course_key = self.course.translation_key
        elif self.training is not None:
            self.course_key = self.training.translation_key
        super().save(*args, **kwargs)


class ReferencePoint(Orderable):
    """A figure from outside the platform (e.g. 351 hotels registered on 15 July 2024), shown
    next to the platform's own figure."""

    class Measure(models.TextChoices):
        PEOPLE_PASSED = "people_passed", _("people trained")
        ORGANISATIONS_REGISTERED = "organisations_registered", _("organisations registered")
        ORGANISATIONS_CERTIFIED = "organisations_certified", _("organisations certified")

    target = ParentalKey(Target, on_delete=models.CASCADE, related_name="reference_points")
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    value = models.PositiveIntegerField(_("value"))
    on_date = models.DateField(_("reference date"))
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    panels = [
        FieldPanel("measure"),
        FieldPanel("value"),
        FieldPanel("on_date"),
        FieldPanel("source_note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("reference point")
        verbose_name_plural = _("reference points")

    def __str__(self) -> str:
        return f"{self.value} {self.get_measure_display()} ({self.on_date:%d-%m-%Y})"


class CountedPerson(models.Model):
    """Kept count (ADR 0020): a person who counts toward a people target, with the moment of
    their first pass that counts (non-revoked, any of the target's courses, filters met).
    Written in the transaction of the pass, the revocation or the profile change that changes
    it (`reporting.services.counted_people_refresh`); rebuilt from the raw rows by
    `manage.py reporting_counts_rebuild`. Region and sector are the person's current ones
    (0 = not given), and `kinds` the kinds of the organisations they work for now, copied so
    the breakdowns read no user or membership rows."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_counted_at = models.DateTimeField()
    month = models.DateField(help_text="first day of the Dutch-time month of first_counted_at")
    region_key = models.PositiveIntegerField(default=0)
    sector_key = models.PositiveIntegerField(default=0)
    #: which sources the person's counting passes have (ADR 0024): bits of
    #: `rules.SOURCE_ELEARNING` and `rules.SOURCE_TRAINING`
    sources = models.PositiveSmallIntegerField(default=0)
    #: the kinds of organisation the person currently works for, as bits of
    #: `selectors.KIND_BITS` (0: none); a person at a hotel and a holiday park has both
    kinds = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("counted person")
        verbose_name_plural = _("counted people")
        constraints = [
            models.UniqueConstraint(fields=["target", "user"], name="counted_person_once"),
        ]
        indexes = [models.Index(fields=["target", "first_counted_at"])]

    def __str__(self) -> str:
        return f"counted person {self.user_id} for target {self.target_id}"


class CountedCell(models.Model):
    """Kept count (ADR 0020): how many people first counted toward a target in one month, by
    their current region and sector (0 = not given), sources and organisation kinds. The
    dashboard and the target pages read these few rows instead of every completion."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    region_key = models.PositiveIntegerField(default=0)
    sector_key = models.PositiveIntegerField(default=0)
    #: the people's sources (bits, as CountedPerson.sources): e-learning, training or both
    sources = models.PositiveSmallIntegerField(default=0)
    #: the people's current organisation kinds (bits, as CountedPerson.kinds)
    kinds = models.PositiveSmallIntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("counted cell")
        verbose_name_plural = _("counted cells")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "month", "region_key", "sector_key", "sources", "kinds"],
                name="counted_cell_once_per_kinds",
            ),
            models.CheckConstraint(condition=Q(people__gte=0), name="counted_cell_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.people} for target {self.target_id} in {self.month:%Y-%m}"


class CountedMonth(models.Model):
    """Kept count (ADR 0020): the kept cells summed over sector and organisation kinds, so the
    headline figures (the dashboard, a target's progress, a regional coordinator's region) read
    a few hundred rows per target however the breakdowns multiply the cells. Written with the
    cells, in the same transaction; rebuilt with them."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    region_key = models.PositiveIntegerField(default=0)
    sources = models.PositiveSmallIntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("counted month")
        verbose_name_plural = _("counted months")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "month", "region_key", "sources"], name="counted_month_once"
            ),
            models.CheckConstraint(condition=Q(people__gte=0), name="counted_month_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.people} for target {self.target_id} in {self.month:%Y-%m}"


class OutsideCountFile(models.Model):
    """A CSV of counts made outside the platform, imported whole by programme staff (ADR 0024).
    Withdrawing it takes all its rows out of every count; the file's entry stays listed."""

    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"))
    total = models.PositiveIntegerField(_("total"), help_text="sum of the counts of its rows")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: SHA-256 of the file's bytes: the same file imported twice would count twice, so a file
    #: is refused while an identical one is imported and not withdrawn (empty: imported before
    #: this was kept)
    content_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("file of outside counts")
        verbose_name_plural = _("files of outside counts")
        constraints = [
            models.UniqueConstraint(
                fields=["content_sha256"],
                condition=Q(withdrawn_at__isnull=True) & ~Q(content_sha256=""),
                name="one_live_import_per_file_content",
            )
        ]

    def __str__(self) -> str:
        return self.filename


class OutsideCount(models.Model):
    """One row of an imported file: `count` people on `day` (a count row), or one person by the
    key of their e-mail address (`person_key`, count 1). A person row whose key matched a
    platform user's e-mail (at import, or when that user registers or takes on the address later)
    holds that `user`, so the person counts once per target."""

    file = models.ForeignKey(OutsideCountFile, on_delete=models.CASCADE, related_name="counts")
    line = models.PositiveIntegerField()
    day = models.DateField()
    source = models.CharField(max_length=20, choices=OutsideSource.choices)
    count = models.PositiveIntegerField(default=1)
    #: SHA-256 (hex) of the trimmed, lower-cased e-mail address; empty on a count row
    person_key = models.CharField(max_length=64, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "accounts.Region", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("outside count")
        verbose_name_plural = _("outside counts")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="outside_count_positive"),
            models.CheckConstraint(
                condition=Q(person_key="") | Q(count=1), name="outside_person_counts_once"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "day"]),
            # a new account or a changed address looks its key up (`outside_counts_match`)
            models.Index(
                fields=["person_key"],
                condition=~Q(person_key=""),
                name="outside_count_person_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.source} on {self.day:%Y-%m-%d}"
