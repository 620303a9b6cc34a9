"""Site furniture: the home page."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from accounts.site_languages import EditorTextInItsLanguage


class HomePage(EditorTextInItsLanguage, Page):
    """The landing page: what the programme is, the modules, and where to start."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = RichTextField(
        _("body"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"]
    )
    highlights = StreamField(
        [
            (
                "highlight",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock(label=_("title"))),
                        ("text", blocks.TextBlock(label=_("text"))),
                    ],
                    icon="pick",
                    label=_("Highlight"),
                ),
            )
        ],
        blank=True,
        use_json_field=True,
        verbose_name=_("highlights"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("highlights"),
    ]
    max_count_per_parent = 1
    subpage_types = ["courses.CourseIndexPage", "cms.ContentPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from courses.selectors import course_list

        context["courses"] = course_list(locale=self.locale)[:8]
        return context


class ContentPage(EditorTextInItsLanguage, Page):
    """A plain page (about, privacy, accessibility statement). While it is an untranslated
    copy (an alias) of another language's page, it says so in the reader's language and links
    to that page, instead of showing another language's text under this language's menus."""

    body = RichTextField(_("body"), features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])
    content_panels = [*Page.content_panels, FieldPanel("body")]
    #: right under a language's home page (the footer relies on it: `footer_pages`)
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("content page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        source = self.untranslated_source
        if source is not None:
            context["source_page"] = source
            context["source_language"] = source.locale.language_code
        return context
