"""Every block an editor adds has a translatable label: none falls back to the English name
Wagtail makes from the block's code name ("Image", "Scene" in the Dutch admin)."""

from django.utils.functional import Promise
from wagtail import blocks

from cms.models import HomePage
from courses.models import CoursePage, LessonPage


def _unlabelled(block: blocks.Block, path: str) -> list[str]:
    missing = [] if isinstance(block.meta.label, Promise) else [path]
    if isinstance(block, blocks.StreamBlock | blocks.StructBlock):
        children = block.child_blocks.items()
    elif isinstance(block, blocks.ListBlock):
        children = [("item", block.child_block)]
    else:
        children = []
    for name, child in children:
        missing += _unlabelled(child, f"{path}.{name}")
    return missing


def test_every_block_label_is_translatable():
    fields = [
        (LessonPage, "body"),
        (CoursePage, "learning_objectives"),
        (HomePage, "highlights"),
    ]
    missing = []
    for model, name in fields:
        stream = model._meta.get_field(name).stream_block
        for child_name, child in stream.child_blocks.items():
            missing += _unlabelled(child, f"{model.__name__}.{name}.{child_name}")
    assert missing == []
