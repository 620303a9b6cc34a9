"""Load the course content files (courses/content/*.yaml, format in content/SCHEMA.md) as normal,
published Wagtail pages that editors can change afterwards (ADR 0008).

Everything is read and validated before anything is written; the caller runs the load in one
transaction, so an invalid file writes nothing. Page translation keys and StreamField block ids
are derived from the course slug and the stable keys in the files (`courses.content_ids`: public
uuid5 values for pages and blocks, keyed HMACs for options and items, which must not tell their
place in the file), so a reload finds the same pages and every language version of a course has
the same question and option ids."""

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from wagtail import blocks
from wagtail.blocks.stream_block import StreamValue
from wagtail.models import Locale, Page, Site

from accounts.models import Sector

from .blocks import QUESTION_TYPES, LessonStreamBlock
from .content_ids import derived_id, item_id
from .models import AUDIENCE_CHOICES, CourseIndexPage, CoursePage, LessonPage, StorylinePage

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent / "content"
KEY_PATTERN = re.compile(r"^[a-z0-9-]+$")
#: Block types that need uploaded media (chosen by id in the editor); files cannot carry them.
MEDIA_BLOCK_TYPES = ("image", "video")
CATALOGUE_TITLE = "Modules"
CATALOGUE_SLUG = "modules"
CATALOGUE_INTRO = (
    "<p>Gratis e-learningmodules over mensenhandel: herken de signalen en weet wat je dan doet.</p>"
)

REQUIRED_COURSE_KEYS = {
    "slug",
    "locale",
    "title",
    "summary",
    "audience",
    "pass_mark",
    "learning_objectives",
    "sources",
    "lessons",
}
OPTIONAL_COURSE_KEYS = {
    "translation_of",
    "sectors",
    "estimated_minutes",
    "validity_months",
    "max_attempts",
    "retake_cooldown_hours",
    "counts_for_reporting",
    "storyline_prompt",
    "storylines",
    "closing",
}
#: Settings that make two language versions the same course; a translation must not differ.
SHARED_SETTINGS = (
    "audience",
    "sectors",
    "pass_mark",
    "validity_months",
    "max_attempts",
    "retake_cooldown_hours",
    "counts_for_reporting",
)

_STREAM_BLOCK = LessonStreamBlock()


class ContentError(Exception):
    """A content file cannot be loaded; the message names the file and the place in it."""


@dataclass
class LessonSpec:
    key: str
    title: str
    minutes: int
    body: list[dict[str, Any]]
    question_signature: list[tuple]


@dataclass
class StorylineSpec:
    key: str
    title: str
    summary: str
    lessons: list[LessonSpec]


@dataclass
class CourseSpec:
    """One content file, validated and converted to page field values."""

    filename: str
    slug: str
    locale: str
    translation_of: str | None
    fields: dict[str, Any]
    sector_slugs: list[str]
    lessons: list[LessonSpec]
    storylines: list[StorylineSpec]
    closing: list[LessonSpec]

    def structure(self) -> list[tuple]:
        """What must be identical in every language version: lessons, storylines, questions."""
        result: list[tuple] = [("lesson", les.key, les.question_signature) for les in self.lessons]
        for storyline in self.storylines:
            result.append(("storyline", storyline.key, None))
            result += [("lesson", les.key, les.question_signature) for les in storyline.lessons]
        result += [("closing", les.key, les.question_signature) for les in self.closing]
        return result


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# --- Reading and validating ------------------------------------------------------------------


class _FileReader:
    """Validates one parsed file and converts it into a CourseSpec."""

    def __init__(self, filename: str, data: Any):
        self.filename = filename
        self.data = data
        self.block_keys: set[str] = set()
        self.lesson_keys: set[str] = set()

    def fail(self, where: str, message: str) -> ContentError:
        return ContentError(f"{self.filename}: {where}: {message}" if where else message)

    def read(self) -> CourseSpec:
        data = self.data
        if not isinstance(data, dict):
            raise self.fail("", f"{self.filename}: the file must be a mapping of course fields.")
        missing = sorted(REQUIRED_COURSE_KEYS - data.keys())
        if missing:
            raise self.fail("top level", f"missing {', '.join(missing)}")
        unknown = sorted(data.keys() - REQUIRED_COURSE_KEYS - OPTIONAL_COURSE_KEYS)
        if unknown:
            raise self.fail("top level", f"unknown field(s) {', '.join(unknown)}")
        slug = self.key(data["slug"], "slug")
        languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
        locale = data["locale"]
        if locale not in languages:
            raise self.fail("locale", f"'{locale}' is not one of {', '.join(languages)}")
        expected_name = f"{slug}.{locale}.yaml"
        if Path(self.filename).name != expected_name:
            raise self.fail("slug/locale", f"the file must be called {expected_name}")
        translation_of = data.get("translation_of")
        source_language = settings.LANGUAGE_CODE
        if locale == source_language and translation_of:
            raise self.fail("translation_of", f"a {locale} file is a source, not a translation")
        if locale != source_language and translation_of != slug:
            raise self.fail(
                "translation_of", f"a translation must name its {source_language} source '{slug}'"
            )
        audiences = [code for code, _label in AUDIENCE_CHOICES]
        if data["audience"] not in audiences:
            raise self.fail(
                "audience", f"'{data['audience']}' is not one of {', '.join(audiences)}"
            )
        sectors = data.get("sectors") or []
        if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
            raise self.fail("sectors", "give a list of sector slugs")
        objectives = data["learning_objectives"]
        if not isinstance(objectives, list) or not objectives:
            raise self.fail("learning_objectives", "give a list of objectives")
        fields = {
            "title": self.text(data["title"], "title"),
            "slug": slug,
            "summary": self.text(data["summary"], "summary"),
            "audience": data["audience"],
            "estimated_minutes": self.number(
                data.get("estimated_minutes", 30), "estimated_minutes"
            ),
            "pass_mark": self.number(data["pass_mark"], "pass_mark", low=1, high=100),
            "validity_months": self.number(data.get("validity_months"), "validity_months", True),
            "max_attempts": self.number(data.get("max_attempts"), "max_attempts", True),
            "retake_cooldown_hours": self.number(
                data.get("retake_cooldown_hours", 0), "retake_cooldown_hours"
            ),
            "counts_for_reporting": self.boolean(
                data.get("counts_for_reporting", True), "counts_for_reporting"
            ),
            "learning_objectives": [
                {
                    "type": "objective",
                    "id": derived_id(slug, "objective", str(position)),
                    "value": self.text(text, f"learning_objectives[{position + 1}]"),
                }
                for position, text in enumerate(objectives)
            ],
            "sources": self.text(data["sources"], "sources"),
            "storyline_prompt": self.text(data.get("storyline_prompt") or "", "storyline_prompt"),
        }
        lessons = self.lessons(slug, data["lessons"], "lessons")
        if not lessons:
            raise self.fail("lessons", "a course needs at least one shared lesson")
        storylines = []
        for position, item in enumerate(self.items(data.get("storylines"), "storylines")):
            where = f"storylines[{position + 1}]"
            self.only(item, {"key", "title", "summary", "lessons"}, where)
            key = self.key(item.get("key"), f"{where}.key")
            storyline_lessons = self.lessons(slug, item.get("lessons"), f"storyline '{key}'")
            if not storyline_lessons:
                raise self.fail(f"storyline '{key}'", "a storyline needs at least one lesson")
            storylines.append(
                StorylineSpec(
                    key=key,
                    title=self.text(item.get("title"), f"storyline '{key}' title"),
                    summary=self.text(item.get("summary") or "", f"storyline '{key}' summary"),
                    lessons=storyline_lessons,
                )
            )
        closing = self.lessons(slug, data.get("closing"), "closing")
        if storylines and not fields["storyline_prompt"]:
            raise self.fail("storyline_prompt", "a course with storylines needs a prompt")
        return CourseSpec(
            filename=self.filename,
            slug=slug,
            locale=locale,
            translation_of=translation_of,
            fields=fields,
            sector_slugs=sectors,
            lessons=lessons,
            storylines=storylines,
            closing=closing,
        )

    # small typed readers

    def only(self, item: Any, allowed: set[str], where: str) -> None:
        if not isinstance(item, dict):
            raise self.fail(where, "expected a mapping")
        unknown = sorted(item.keys() - allowed)
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")

    def items(self, value: Any, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        return value

    def key(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not KEY_PATTERN.match(value):
            raise self.fail(where, f"'{value}' is not a key (use a-z, 0-9 and -)")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"expected text, found {value!r}")
        return value.strip()

    def number(self, value: Any, where: str, optional: bool = False, low: int = 0, high=32767):
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(where, f"expected a whole number from {low} to {high}, found {value!r}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"expected true or false, found {value!r}")
        return value

    # lessons and blocks

    def lessons(self, slug: str, value: Any, where: str) -> list[LessonSpec]:
        result = []
        for position, item in enumerate(self.items(value, where)):
            place = f"{where}[{position + 1}]"
            self.only(item, {"key", "title", "minutes", "body"}, place)
            key = self.key(item.get("key"), f"{place}.key")
            if key in self.lesson_keys:
                raise self.fail(place, f"lesson key '{key}' is used twice")
            self.lesson_keys.add(key)
            place = f"lesson '{key}'"
            body_items = self.items(item.get("body"), f"{place} body")
            if not body_items:
                raise self.fail(place, "a lesson needs a body with at least one block")
            body = [
                self.block(slug, key, position, block) for position, block in enumerate(body_items)
            ]
            body = self.clean_body(body, place, body_items)
            result.append(
                LessonSpec(
                    key=key,
                    title=self.text(item.get("title"), f"{place} title"),
                    minutes=self.number(item.get("minutes", 5), f"{place} minutes"),
                    body=body,
                    question_signature=[
                        question_signature(block)
                        for block in body
                        if block["type"] in QUESTION_TYPES
                    ],
                )
            )
        return result

    def block(self, slug: str, lesson_key: str, position: int, item: Any) -> dict[str, Any]:
        where = f"lesson '{lesson_key}', block {position + 1}"
        if not isinstance(item, dict) or "type" not in item:
            raise self.fail(where, "a block needs a type")
        block_type = item["type"]
        if block_type in MEDIA_BLOCK_TYPES:
            raise self.fail(
                where, f"'{block_type}' blocks need uploaded media; add them in the editor"
            )
        if block_type not in _STREAM_BLOCK.child_blocks:
            known = ", ".join(t for t in _STREAM_BLOCK.child_blocks if t not in MEDIA_BLOCK_TYPES)
            raise self.fail(where, f"unknown block type '{block_type}' (known: {known})")
        fields = {k: v for k, v in item.items() if k not in ("type", "key")}
        if block_type in QUESTION_TYPES:
            key = self.key(item.get("key"), f"{where} key")
            if key in self.block_keys:
                raise self.fail(where, f"block key '{key}' is used twice")
            self.block_keys.add(key)
            block_id = derived_id(slug, lesson_key, key)
            where = f"lesson '{lesson_key}', {block_type} '{key}'"
        else:
            if "key" in item:
                raise self.fail(where, "only questions and scenarios have a key")
            block_id = derived_id(slug, lesson_key, str(position))
        child = _STREAM_BLOCK.child_blocks[block_type]
        if isinstance(child, blocks.StructBlock):
            value = self.struct(child, fields, block_id, where)
        else:
            self.only(fields, {"text"}, where)
            value = self.scalar(child, fields.get("text"), f"{where} text")
        return {"type": block_type, "id": block_id, "value": value}

    def struct(self, block: blocks.StructBlock, value: Any, block_id: str, where: str) -> dict:
        self.only(value, set(block.child_blocks), where)
        result: dict[str, Any] = {}
        for name, child in block.child_blocks.items():
            place = f"{where} {name}"
            if isinstance(child, blocks.ListBlock):
                # keyed ids: an option's or item's id must not tell its place in the file
                result[name] = []
                for position, item in enumerate(self.items(value.get(name), place)):
                    own_id = item_id(block_id, name, position)
                    result[name].append(
                        {
                            "type": "item",
                            "id": own_id,
                            "value": self.child(
                                child.child_block, item, own_id, f"{place}[{position + 1}]"
                            ),
                        }
                    )
            else:
                result[name] = self.child(child, value.get(name), block_id, place)
        return result

    def child(self, block: blocks.Block, value: Any, block_id: str, where: str) -> Any:
        if isinstance(block, blocks.StructBlock):
            return self.struct(block, value, block_id, where)
        return self.scalar(block, value, where)

    def scalar(self, block: blocks.Block, value: Any, where: str) -> Any:
        if isinstance(block, blocks.BooleanBlock):
            return False if value is None else self.boolean(value, where)
        if value is None:
            return ""
        return self.text(value, where)

    def clean_body(self, body: list[dict], where: str, items: list) -> list[dict[str, Any]]:
        """Run the editor's own validation (courses.blocks) and return the normalised data."""
        try:
            cleaned = _STREAM_BLOCK.clean(_STREAM_BLOCK.to_python(body))
        except ValidationError as exc:
            data = exc.as_json_data() if hasattr(exc, "as_json_data") else {}
            problems = []
            for index, errors in (data.get("blockErrors") or {}).items():
                item = items[int(index)]
                label = f"block {int(index) + 1} ({item.get('type')}"
                label += f" '{item['key']}')" if item.get("key") else ")"
                problems += [f"{label}: {message}" for message in _messages(errors)]
            problems += [str(m) for m in data.get("messages", [])]
            raise self.fail(where, "; ".join(problems) or str(exc)) from exc
        return normalised_stream(_STREAM_BLOCK, cleaned)


def _messages(errors: Any, path: str = "") -> list[str]:
    """Flatten Wagtail's nested block error data into 'field: message' strings."""
    if isinstance(errors, list):
        return [m for i, e in enumerate(errors) if e for m in _messages(e, f"{path}[{i + 1}]")]
    if not isinstance(errors, dict):
        return [f"{path}: {errors}" if path else str(errors)]
    result = [f"{path}: {m}" if path else str(m) for m in errors.get("messages", [])]
    nested = errors.get("blockErrors") or {}
    if isinstance(nested, list):
        result += _messages(nested, path)
    else:
        for name, sub in nested.items():
            label = f"{path}[{int(name) + 1}]" if str(name).isdigit() else f"{path} {name}"
            result += _messages(sub, label.strip())
    return result


def normalised_stream(stream_block: blocks.StreamBlock, value: Any) -> list[dict[str, Any]]:
    """JSON data of a stream as Wagtail stores it, so stored and wanted data compare equal."""
    if not isinstance(value, StreamValue):
        value = stream_block.to_python(value)
    full = StreamValue(stream_block, [(c.block_type, c.value, c.id) for c in value], is_lazy=False)
    return stream_block.get_prep_value(full)


def question_signature(block: dict[str, Any]) -> tuple:
    """A question's identity and correct answer, independent of its language."""
    value = block["value"]
    kind = block["type"]
    if kind in ("single_choice", "multiple_choice"):
        answer: Any = tuple(bool(o["value"]["correct"]) for o in value["options"])
    elif kind == "true_false":
        answer = bool(value["correct"])
    elif kind == "ordering":
        answer = len(value["items"])
    else:
        answer = (
            value["start"],
            tuple(
                (
                    s["value"]["key"],
                    tuple(
                        (o["value"]["recommended"], o["value"]["next"])
                        for o in s["value"]["options"]
                    ),
                )
                for s in value["scenes"]
            ),
        )
    return (kind, block["id"], answer)


def content_files_read(*, path: Path) -> list[CourseSpec]:
    """Read and validate every content file under `path` (a folder or one file).

    Sources come before their translations; a translation must match its source's lessons,
    storylines, question ids and correct answers, and its settings (pass mark, validity...)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
    elif path.is_file():
        files = [path]
    else:
        raise ContentError(f"{path}: no such file or folder")
    if not files:
        raise ContentError(f"{path}: no *.yaml content files")
    specs = []
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
            problem = getattr(exc, "problem", None) or str(exc)
            raise ContentError(f"{file.name}: {where}: invalid YAML: {problem}") from exc
        specs.append(_FileReader(file.name, data).read())
    sources = {s.slug: s for s in specs if s.translation_of is None}
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if (spec.slug, spec.locale) in seen:
            raise ContentError(f"{spec.filename}: course '{spec.slug}' in {spec.locale} twice")
        seen.add((spec.slug, spec.locale))
        if spec.translation_of is None:
            continue
        source = sources.get(spec.translation_of)
        if source is None:
            raise ContentError(
                f"{spec.filename}: translation_of: the source file "
                f"{spec.translation_of}.{settings.LANGUAGE_CODE}.yaml is not part of this load"
            )
        _check_translation(source, spec)
    return sorted(specs, key=lambda s: (s.translation_of is not None, s.slug, s.locale))


def _check_translation(source: CourseSpec, translation: CourseSpec) -> None:
    for name in SHARED_SETTINGS:
        theirs = source.sector_slugs if name == "sectors" else source.fields[name]
        ours = translation.sector_slugs if name == "sectors" else translation.fields[name]
        if theirs != ours:
            raise ContentError(
                f"{translation.filename}: {name}: {ours!r} differs from {theirs!r} in "
                f"{source.filename}; language versions are one course"
            )
    mine, theirs = translation.structure(), source.structure()
    for position, (ours, original) in enumerate(zip(mine, theirs, strict=False)):
        if ours != original:
            raise ContentError(
                f"{translation.filename}: {ours[0]} '{ours[1]}' (position {position + 1}) does "
                f"not match {original[0]} '{original[1]}' in {source.filename}: same lessons, "
                "storylines, question keys and correct answers, in the same order"
            )
    if len(mine) != len(theirs):
        raise ContentError(
            f"{translation.filename}: has {len(mine)} lessons/storylines, "
            f"{source.filename} has {len(theirs)}"
        )


# --- Writing pages ---------------------------------------------------------------------------

PAGE_FIELDS: dict[type[Page], tuple[str, ...]] = {
    CoursePage: (
        "title",
        "slug",
        "summary",
        "audience",
        "estimated_minutes",
        "pass_mark",
        "validity_months",
        "max_attempts",
        "retake_cooldown_hours",
        "counts_for_reporting",
        "learning_objectives",
        "sources",
        "storyline_prompt",
        "sectors",
    ),
    StorylinePage: ("title", "slug", "summary"),
    LessonPage: ("title", "slug", "minutes", "body"),
}


def _comparable(page: Model, name: str) -> Any:
    value = getattr(page, name)
    if name == "sectors":
        return sorted(s.pk for s in value.all())
    if isinstance(value, StreamValue):
        return normalised_stream(value.stream_block, value)
    return value


class _Writer:
    def __init__(self, *, update: bool, report: LoadReport):
        self.update = update
        self.report = report
        self.locales: dict[str, Locale] = {}
        self.catalogues: dict[str, CourseIndexPage] = {}
        #: translation keys of the source pages, by (course slug, kind, key)
        self.keys: dict[tuple[str, str, str], uuid.UUID] = {}

    def locale(self, code: str) -> Locale:
        if code not in self.locales:
            self.locales[code] = Locale.objects.get_or_create(language_code=code)[0]
        return self.locales[code]

    def catalogue(self, code: str) -> CourseIndexPage:
        """The course catalogue in `code`: the source one below the site's home page, and for
        other languages its translation (an alias, like wagtail-localize makes, until an editor
        translates it)."""
        if code in self.catalogues:
            return self.catalogues[code]
        home = Site.objects.get(is_default_site=True).root_page.specific
        source = CourseIndexPage.objects.child_of(home).order_by("path").first()
        if source is None:
            source = CourseIndexPage(
                title=CATALOGUE_TITLE,
                slug=CATALOGUE_SLUG,
                intro=CATALOGUE_INTRO,
                locale=home.locale,
            )
            home.add_child(instance=source)
            source.save_revision().publish()
            self.report.created.append(f"catalogue {source.url_path}")
        if code == source.locale.language_code:
            catalogue = source
        else:
            catalogue = source.get_translation_or_none(self.locale(code))
            if catalogue is None:
                catalogue = source.copy_for_translation(
                    self.locale(code), copy_parents=True, alias=True
                )
                self.report.created.append(f"catalogue {catalogue.url_path} ({code})")
        self.catalogues[code] = catalogue.specific
        return self.catalogues[code]

    def course(self, spec: CourseSpec) -> None:
        locale = self.locale(spec.locale)
        sectors = list(Sector.objects.filter(slug__in=spec.sector_slugs))
        unknown = sorted(set(spec.sector_slugs) - {s.slug for s in sectors})
        if unknown:
            raise ContentError(f"{spec.filename}: sectors: unknown sector(s) {', '.join(unknown)}")
        label = f"{spec.filename}: course"
        course = self.page(
            spec,
            CoursePage,
            parent=self.catalogue(spec.locale),
            locale=locale,
            kind="course",
            key=spec.slug,
            values={**spec.fields, "sectors": sectors},
            label=label,
        )
        for lesson in spec.lessons:
            self.lesson(spec, lesson, course, locale)
        for storyline in spec.storylines:
            page = self.page(
                spec,
                StorylinePage,
                parent=course,
                locale=locale,
                kind="storyline",
                key=storyline.key,
                values={
                    "title": storyline.title,
                    "slug": storyline.key,
                    "summary": storyline.summary,
                },
                label=f"{spec.filename}: storyline '{storyline.key}'",
            )
            for lesson in storyline.lessons:
                self.lesson(spec, lesson, page, locale)
        for lesson in spec.closing:
            self.lesson(spec, lesson, course, locale)

    def lesson(self, spec: CourseSpec, lesson: LessonSpec, parent: Page, locale: Locale) -> None:
        self.page(
            spec,
            LessonPage,
            parent=parent,
            locale=locale,
            kind="lesson",
            key=lesson.key,
            values={
                "title": lesson.title,
                "slug": lesson.key,
                "minutes": lesson.minutes,
                "body": lesson.body,
            },
            label=f"{spec.filename}: lesson '{lesson.key}'",
        )

    def page(self, spec, model, *, parent, locale, kind, key, values, label) -> Page:
        """Create the page, leave it alone when it already matches, and when an editor changed
        it overwrite it (new revision) only with --update."""
        identity = (spec.slug, kind, key)
        if spec.translation_of is None:
            translation_key = self.keys.get(identity) or uuid.UUID(derived_id(kind, spec.slug, key))
        else:
            translation_key = self.keys[identity]
        existing = model.objects.filter(translation_key=translation_key, locale=locale).first()
        if existing is None:
            other = parent.get_children().filter(slug=values["slug"]).first()
            if other is not None:
                other = other.specific
                if not isinstance(other, model) or spec.translation_of is not None:
                    raise ContentError(
                        f"{label}: the slug '{values['slug']}' is taken by another page "
                        f"({other.url_path}); rename or remove that page first"
                    )
                existing = other  # made before the loader derived its keys: adopt it
        if existing is None:
            page = model(locale=locale, translation_key=translation_key)
            self.apply(page, values)
            try:
                parent.add_child(instance=page)
            except ValidationError as exc:
                raise ContentError(f"{label}: {'; '.join(exc.messages)}") from exc
            page.save_revision().publish()
            self.report.created.append(label)
        else:
            page = existing
            latest = existing.get_latest_revision_as_object()
            wanted = model()
            self.apply(wanted, values)
            differs = [
                name
                for name in PAGE_FIELDS[model]
                if _comparable(latest, name) != _comparable(wanted, name)
            ]
            if not differs:
                self.report.unchanged.append(label)
            elif self.update:
                self.apply(page, values)
                try:
                    page.full_clean()
                except ValidationError as exc:
                    raise ContentError(f"{label}: {'; '.join(exc.messages)}") from exc
                page.save_revision().publish()
                self.report.updated.append(f"{label} ({', '.join(differs)})")
            else:
                self.report.skipped.append(
                    f"{label}: changed in Wagtail ({', '.join(differs)}); "
                    "left alone (use --update to overwrite)"
                )
        if spec.translation_of is None:
            self.keys[identity] = page.translation_key
        return page

    @staticmethod
    def apply(page: Page, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name == "sectors":
                page.sectors.set(value)
            else:
                setattr(page, name, value)


def courses_load(*, path: Path = DEFAULT_CONTENT_DIR, update: bool = False) -> LoadReport:
    """Validate every content file under `path`, then create or update the course pages.

    Run it inside a transaction (the management command does): a ContentError raised while
    writing leaves the database as it was."""
    specs = content_files_read(path=path)
    report = LoadReport()
    writer = _Writer(update=update, report=report)
    for spec in specs:
        writer.course(spec)
    return report
