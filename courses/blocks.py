"""StreamField blocks for lessons. Question blocks never render their answers: the lesson player
(lms) renders questions from the attempt's snapshot without correctness, and these blocks' own
templates (used in the editor's preview) show only the question and options."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH = ["bold", "italic", "ol", "ul", "link", "h3", "h4"]
GRADED_TYPES = ("single_choice", "multiple_choice", "true_false", "ordering")
QUESTION_TYPES = (*GRADED_TYPES, "scenario")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    embed = EmbedBlock(label=_("video URL (YouTube/Vimeo)"), required=False)
    file = DocumentChooserBlock(label=_("video file (MP4)"), required=False)
    captions = DocumentChooserBlock(label=_("captions (WebVTT)"), required=False)
    transcript = blocks.RichTextBlock(label=_("transcript"), features=RICH)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("embed") and not value.get("file"):
            raise StructBlockValidationError(
                block_errors={"embed": ValidationError(_("Give a video URL or a video file."))}
            )
        if value.get("file") and not value.get("captions"):
            raise StructBlockValidationError(
                block_errors={"captions": ValidationError(_("A video file needs captions."))}
            )
        return value

    def get_translatable_segments(self, value):
        """What wagtail-localize translates in this block: its own extraction per field, except
        an empty embed (a video file instead), which it cannot read (it asks for its URL)."""
        from wagtail_localize.segments.extract import StreamFieldSegmentExtractor

        extractor = StreamFieldSegmentExtractor(field=None, include_overridables=True)
        segments: list = []
        for name, child in self.child_blocks.items():
            if name == "embed" and not value.get(name):
                continue
            segments.extend(
                segment.wrap(name) for segment in extractor.handle_block(child, value.get(name))
            )
        return segments


class SceneBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    text = blocks.RichTextBlock(label=_("situation"), features=RICH)

    class Meta:
        icon = "openquote"
        label = _("Scene")
        template = "courses/blocks/scene.html"


class SignalBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    text = blocks.RichTextBlock(label=_("text"), features=RICH)

    class Meta:
        icon = "warning"
        label = _("Signal")
        template = "courses/blocks/signal.html"


class MeldrouteBlock(blocks.StructBlock):
    organisation = blocks.CharBlock(label=_("who to contact"))
    when = blocks.RichTextBlock(label=_("when"), features=RICH)
    how = blocks.RichTextBlock(label=_("how"), features=RICH, required=False)

    class Meta:
        icon = "mail"
        label = _("Meldroute card")
        template = "courses/blocks/meldroute.html"


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("feedback"), help_text=_("Why this option is right or wrong.")
    )

    class Meta:
        label = _("Option")


class ChoiceQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    options = blocks.ListBlock(OptionBlock(), min_num=2, label=_("options"))
    explanation = blocks.RichTextBlock(label=_("explanation"), features=RICH, required=False)

    single = True

    class Meta:
        icon = "radio-full"
        label = _("Choice question")
        template = "courses/blocks/question_preview.html"

    def clean(self, value):
        # Before the list's own minimum, which Wagtail does not check on "Save draft".
        if len(value["options"]) < 2:
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(_("A question needs at least two options."))
                }
            )
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        if self.single and correct != 1:
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark exactly one option as correct."))}
            )
        if not self.single and correct < 1:
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark at least one option as correct."))}
            )
        return value


class SingleChoiceBlock(ChoiceQuestionBlock):
    single = True

    class Meta:
        icon = "radio-full"
        label = _("Single choice question")


class MultipleChoiceBlock(ChoiceQuestionBlock):
    single = False

    class Meta:
        icon = "tasks"
        label = _("Multiple choice question")


class TrueFalseBlock(blocks.StructBlock):
    statement = blocks.TextBlock(label=_("statement"))
    correct = blocks.BooleanBlock(label=_("the statement is true"), required=False)
    feedback_true = blocks.TextBlock(label=_("feedback when answered 'true'"))
    feedback_false = blocks.TextBlock(label=_("feedback when answered 'false'"))
    explanation = blocks.RichTextBlock(label=_("explanation"), features=RICH, required=False)

    class Meta:
        icon = "tick"
        label = _("True/false question")
        template = "courses/blocks/question_preview.html"


class OrderingBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("item")), min_num=3, label=_("items in the correct order")
    )
    explanation = blocks.RichTextBlock(label=_("explanation"), features=RICH, required=False)

    class Meta:
        icon = "list-ol"
        label = _("Ordering question")
        template = "courses/blocks/question_preview.html"


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"))
    recommended = blocks.BooleanBlock(label=_("recommended choice"), required=False)
    feedback = blocks.TextBlock(label=_("feedback"), help_text=_("The consequence, and why."))
    next = blocks.CharBlock(
        label=_("next scene key"),
        required=False,
        help_text=_("Leave empty when the scenario ends after this choice."),
    )

    class Meta:
        label = _("Choice")


class ScenarioSceneBlock(blocks.StructBlock):
    key = blocks.RegexBlock(
        regex=r"^[a-z0-9-]+$",
        label=_("scene key"),
        error_messages={"invalid": _("Use lower-case letters, digits, -.")},
    )
    text = blocks.RichTextBlock(label=_("situation"), features=RICH)
    options = blocks.ListBlock(ScenarioOptionBlock(), min_num=2, label=_("choices"))

    class Meta:
        label = _("Scenario scene")


def scenario_graph_errors(start: str, scenes: list[dict]) -> list[str]:
    """Check that every branch of a scenario ends: keys unique, targets exist, no cycles."""
    errors: list[str] = []
    keys = [scene["key"] for scene in scenes]
    if len(keys) != len(set(keys)):
        errors.append(str(_("Scene keys must be unique.")))
    graph = {scene["key"]: [o["next"] for o in scene["options"] if o["next"]] for scene in scenes}
    if start not in graph:
        errors.append(str(_("The start scene '%(key)s' does not exist.") % {"key": start}))
        return errors
    for key, targets in graph.items():
        for target in targets:
            if target not in graph:
                errors.append(
                    str(
                        _("Scene '%(key)s' leads to unknown scene '%(target)s'.")
                        % {"key": key, "target": target}
                    )
                )
    if errors:
        return errors
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(key: str) -> bool:
        if key in done:
            return True
        if key in visiting:
            return False
        visiting.add(key)
        ok = all(visit(t) for t in graph[key])
        visiting.discard(key)
        done.add(key)
        return ok

    if not visit(start):
        errors.append(str(_("The scenario loops: every branch must end.")))
    return errors


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    intro = blocks.RichTextBlock(label=_("situation"), features=RICH)
    start = blocks.CharBlock(label=_("first scene key"))
    scenes = blocks.ListBlock(ScenarioSceneBlock(), min_num=1, label=_("scenes"))

    class Meta:
        icon = "fork"
        label = _("Scenario decision")
        template = "courses/blocks/question_preview.html"

    def clean(self, value):
        value = super().clean(value)
        errors = scenario_graph_errors(value["start"], [dict(s) for s in value["scenes"]])
        errors += [
            str(
                _("Scene '%(key)s': mark at least one choice as recommended.")
                % {"key": scene["key"]}
            )
            for scene in value["scenes"]
            if scene["options"] and not any(option["recommended"] for option in scene["options"])
        ]
        if errors:
            raise StructBlockValidationError(
                block_errors={"scenes": ValidationError(" ".join(errors))}
            )
        return value


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"), features=RICH, icon="doc-full", template="courses/blocks/text.html"
    )
    image = ImageBlock()
    video = VideoBlock()
    scene = SceneBlock()
    signal = SignalBlock()
    meldroute = MeldrouteBlock()
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    ordering = OrderingBlock()
    scenario = ScenarioBlock()
