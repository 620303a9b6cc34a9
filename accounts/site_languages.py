"""Texts that programme staff and editors enter themselves (a sector's name, a target's title)
and that pages show in the reader's language: the Dutch text in a plain model field, the other
site languages in a JSON field {language code: text} beside it. A site language added in
settings.SITE_LANGUAGES gets its form field without code and its texts without a migration
(ADR 0015, amended; ADR 0026). One rule reads them (`text_in`), one form base writes them
(`PerLanguageTextsForm`)."""

from collections.abc import Callable, Mapping

from django import forms
from django.conf import settings
from django.utils.functional import cached_property, lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info
from wagtail.admin.forms import WagtailAdminModelForm


def other_site_languages() -> list[str]:
    """The site languages besides Dutch (the default), in the order of settings.SITE_LANGUAGES."""
    return [code for code in settings.SITE_LANGUAGES if code != settings.LANGUAGE_CODE]


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def text_in(dutch: str, texts: Mapping[str, str], language: str) -> str:
    """The text in `language`; else the English one, which more readers of a language without
    its own text understand than the Dutch; else the Dutch one."""
    if language == settings.LANGUAGE_CODE:
        return dutch
    return texts.get(language) or texts.get("en") or dutch


def labelled_in(label, code: str):
    """A field label such as "title ({language})" with the language named in the editor's
    interface language, looked up when the form renders."""
    language = lazy(lambda: get_language_info(code)["name_translated"], str)()
    return format_lazy(label, language=language)


class PerLanguageTextsForm(WagtailAdminModelForm):
    """A model form with one plain text field per site language besides Dutch for each prefix of
    `per_language` (`<prefix>_<code>`), stored in the model's JSON field it names. An empty field
    removes the language's text, so the page falls back (`text_in`)."""

    #: form field prefix -> the model's JSON field holding {language code: text}
    per_language: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, json_field in self.per_language.items():
            texts = getattr(self.instance, json_field) or {}
            for code in other_site_languages():
                self.fields[f"{prefix}_{code}"].initial = texts.get(code, "")

    def save(self, commit=True):
        for prefix, json_field in self.per_language.items():
            texts = dict(getattr(self.instance, json_field) or {})
            for code in other_site_languages():
                value = (self.cleaned_data.get(f"{prefix}_{code}") or "").strip()
                if value:
                    texts[code] = value
                else:
                    texts.pop(code, None)
            setattr(self.instance, json_field, texts)
        return super().save(commit=commit)


def per_language_form(
    name: str,
    base: type[PerLanguageTextsForm],
    fields: Mapping[str, Callable[[str], forms.Field]],
) -> type[PerLanguageTextsForm]:
    """`base` with the form field `fields[prefix](code)` for each prefix and other site language.
    The class is built once, at import: Wagtail panels need the fields declared on the class."""
    declared = {
        f"{prefix}_{code}": make(code)
        for prefix, make in fields.items()
        for code in other_site_languages()
    }
    return type(name, (base,), declared)


def per_language_field_names(prefix: str) -> list[str]:
    """The form fields of `prefix`, in the order of settings.SITE_LANGUAGES."""
    return [f"{prefix}_{code}" for code in other_site_languages()]


class EditorTextInItsLanguage:
    """For a Wagtail page type whose texts an editor writes (a home page's intro, a catalogue's
    introduction): `speaks_its_language` is False while the page is an untranslated copy of
    another language's page (an alias, as wagtail-localize and the content loader make one
    for every language's tree), so its template leaves those texts out (or shows the
    interface's own text) instead of Dutch on an English page. An editor's translation, no
    longer an alias, shows its own texts. One query, for an alias only."""

    alias_of_id: int | None
    locale_id: int

    @cached_property
    def untranslated_source(self):
        """The other language's page this page is an untranslated copy of (with its locale),
        or None."""
        if self.alias_of_id is None:
            return None
        from wagtail.models import Page

        source = Page.objects.select_related("locale").filter(pk=self.alias_of_id).first()
        return source if source is not None and source.locale_id != self.locale_id else None

    @property
    def speaks_its_language(self) -> bool:
        return self.untranslated_source is None
