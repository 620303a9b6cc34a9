"""Course content as Wagtail pages.

Tree: CourseIndexPage > CoursePage > (LessonPage | StorylinePage > LessonPage).
Lessons directly below a course are shared: those before the first storyline are the
introduction, those after it the closing. A learner takes the shared lessons plus ONE storyline
(ADR 0006). A course and its translations share `translation_key`, which is the identity used
for counting and completions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.site_languages import EditorTextInItsLanguage

from .blocks import LessonStreamBlock
from .forms import CoursePageForm

AUDIENCE_CHOICES = [
    ("professionals_children", _("Professionals working with children")),
    ("contact_person_minors", _("Contact persons trafficking of minors")),
    ("probation", _("Probation officers")),
    ("focal_point", _("Municipal focal points (aandachtsfunctionarissen)")),
    ("chain_director", _("Chain directors (ketenregisseurs)")),
    ("hotel_staff", _("Hotel and holiday park staff")),
]


class CourseIndexPage(EditorTextInItsLanguage, Page):
    """The catalogue: lists courses, filterable by audience, sector and language."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    parent_page_types = ["cms.HomePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue(index_page=self, params=request.GET))
        return context


class CoursePage(Page):
    """A module."""

    summary = models.TextField(_("summary"), max_length=600)
    audience = models.CharField(_("audience"), max_length=40, choices=AUDIENCE_CHOICES)
    sectors = ParentalManyToManyField("accounts.Sector", blank=True, verbose_name=_("sectors"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=30)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[
            MinValueValidator(1, message=_("Enter a pass mark from 1 to 100 percent.")),
            MaxValueValidator(100, message=_("Enter a pass mark from 1 to 100 percent.")),
        ],
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the certificate does not expire."),
    )
    counts_for_reporting = models.BooleanField(
        _("counts toward a programme target"),
        default=True,
        help_text=_("Passes are counted on the programme dashboard (see the targets)."),
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must have passed before enrolling."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        help_text=_("Leave empty for unlimited retakes."),
        validators=[
            MinValueValidator(
                1,
                message=_("Enter at least 1 attempt, or leave this empty for unlimited retakes."),
            )
        ],
    )
    retake_cooldown_hours = models.PositiveSmallIntegerField(
        _("hours between attempts"),
        default=0,
    )
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("objective")))],
        blank=True,
        use_json_field=True,
        verbose_name=_("learning objectives"),
    )
    storyline_prompt = models.CharField(
        _("storyline question"),
        max_length=200,
        blank=True,
        help_text=_("Shown when the learner chooses a storyline, e.g. 'Kies een verhaallijn'."),
    )
    sources = models.TextField(
        _("sources (editors only)"),
        blank=True,
        help_text=_("Where each factual claim comes from. Never shown to learners."),
    )

    base_form_class = CoursePageForm
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("sectors"),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("Audience"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("retake_cooldown_hours"),
                FieldPanel("validity_months"),
                FieldPanel("counts_for_reporting"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Assessment and certificate"),
        ),
        FieldPanel("storyline_prompt"),
        MultiFieldPanel(
            [
                HelpPanel(_("Editor-only: list each claim and the document it comes from.")),
                FieldPanel("sources"),
            ],
            heading=_("Sources"),
        ),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.StorylinePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def course_key(self):
        """Identity shared by all language versions (used for counting and completions)."""
        return self.translation_key

    def language_override(self) -> translation.override:
        """The course version's pages (course page, start, lesson player, question fragments,
        result) speak the course's language, whatever the address said, so no page mixes two
        languages (ADR 0015). Views render them inside `with course.language_override():`; the
        links and redirects made inside carry the course's language too, so the learner stays
        in it. Scoped, not `activate`: nothing after the block (other middleware, the next
        request on this thread) inherits the course's language."""
        language = self.locale.language_code
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()  # a retired language: keep the address's
        return translation.override(language)

    def serve(self, request, *args, **kwargs):
        with self.language_override():
            response = super().serve(request, *args, **kwargs)
            # Wagtail answers with a TemplateResponse, which Django renders only after serve()
            # returns: render it here, while the course's language is active.
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def get_context(self, request, *args, **kwargs):
        from .learner_context import context_for
        from .selectors import course_outline, course_versions

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(course=self, bodies=False)
        context["other_versions"] = course_versions(course=self)
        context.update(context_for(request=request, course=self))
        return context


class StorylinePage(Page):
    """One storyline of a course (e.g. sexual or criminal exploitation, or a staff role path)."""

    summary = RichTextField(_("summary"), features=["bold", "italic"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("storyline")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect(self.get_parent().url)


class LessonPage(Page):
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    body = StreamField(LessonStreamBlock(), use_json_field=True, verbose_name=_("content"))

    content_panels = [*Page.content_panels, FieldPanel("minutes"), FieldPanel("body")]
    parent_page_types = ["courses.CoursePage", "courses.StorylinePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def clean(self):
        super().clean()
        # Also on "Save draft", where Wagtail lets a required StreamField stay empty.
        if not self.body:
            raise ValidationError({"body": _("A lesson needs content: add at least one block.")})

    def serve(self, request, *args, **kwargs):
        # Learners take lessons in the lesson player (lms), which grades on the server.
        from django.shortcuts import redirect

        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        return redirect("lms:lesson", lesson_id=self.pk)
