"""Give the options, ordering items and scenario scenes/choices of loaded lessons keyed ids
(ADR 0008, amended 2026-12-07): until now their ids were public uuid5 values of their place in
the content file, so a learner could compute where the right answer was. Pages (and their revisions, so the loader
still finds them unchanged) are re-keyed in place: no new revision, editors' changes kept. Items
an editor added in Wagtail have random ids already and stay as they are. Attempts keep the ids
in their own snapshot, so answers already given keep working."""

import json

from django.db import migrations

from courses.content_ids import item_id, legacy_item_id

#: How far past a list's length an item's original position is looked for (items an editor
#: deleted before it move it up).
_SLACK = 16


def _rekey_stream(stream, find, make) -> bool:
    changed = False
    for block in stream or []:
        if isinstance(block, dict) and isinstance(block.get("value"), dict):
            block_id = str(block.get("id") or "")
            changed |= _rekey_struct(block["value"], block_id, block_id, find, make)
    return changed


def _rekey_struct(value: dict, old_parent: str, new_parent: str, find, make) -> bool:
    changed = False
    for name, child in value.items():
        if not isinstance(child, list):
            continue
        ids = {find(old_parent, name, n): n for n in range(len(child) + _SLACK)}
        for item in child:
            if not (isinstance(item, dict) and item.get("type") == "item" and item.get("id")):
                continue
            old = str(item["id"])
            new = old
            if old in ids:
                new = make(new_parent, name, ids[old])
                item["id"] = new
                changed = True
            if isinstance(item.get("value"), dict):
                changed |= _rekey_struct(item["value"], old, new, find, make)
    return changed


def _rekey(apps, find, make) -> None:
    LessonPage = apps.get_model("courses", "LessonPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for page in LessonPage.objects.only("pk", "body").iterator():
        data = json.loads(json.dumps(list(page.body.raw_data)))
        if _rekey_stream(data, find, make):
            page.body = data
            page.save(update_fields=["body"])
    content_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        content = revision.content or {}
        body = content.get("body")
        as_text = isinstance(body, str)
        data = json.loads(body) if as_text else body
        if _rekey_stream(data, find, make):
            content["body"] = json.dumps(data) if as_text else data
            revision.content = content
            revision.save(update_fields=["content"])


def forwards(apps, schema_editor):
    _rekey(apps, legacy_item_id, item_id)


def backwards(apps, schema_editor):
    _rekey(apps, item_id, legacy_item_id)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
