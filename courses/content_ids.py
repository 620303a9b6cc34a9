"""The ids the content loader gives pages and blocks (ADR 0008, amended 2026-12-07).

Page translation keys and block ids (questions, scenarios, text blocks) are uuid5 values of the
course slug and the file's keys: public, stable, the same in every language version. They carry
nothing a learner could use. The ids of list items (the options of a choice question, the items
of an ordering question, a scenario's scenes and their choices) are learner-visible too, and
derived from the item's place in the file, which is where the right answer lives (the correct
option, the right order). So they are keyed: an HMAC with the deployment's
`COURSE_CONTENT_ID_KEY` (default `SECRET_KEY`), stable for a deployment (a reload finds the same
ids, every language version shares them) and meaningless to anyone without the key.

No Django models here: the data migration that re-keys already loaded pages imports it."""

import uuid

from django.conf import settings
from django.utils.crypto import salted_hmac

#: Namespace of every public id the loader derives; changing it would orphan answers to loaded
#: courses.
NAMESPACE = uuid.UUID("5d0b6a38-4f4e-4c57-9a8e-0c6f5b1d2a71")
#: Salt of the list item ids' HMAC; changing it would give every loaded option a new id.
_ITEM_SALT = "courses.content_ids.item_id"


def derived_id(*parts: str) -> str:
    """A stable public id for a page or block, derived from its course slug and keys."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def item_id(parent_id: str, name: str, position: int) -> str:
    """The id of the item at `position` (from 0) of the list `name` of the block `parent_id`:
    stable for the deployment, but without its key nobody can tell the position from the id."""
    digest = salted_hmac(
        _ITEM_SALT,
        f"{parent_id}/{name}/{position}",
        secret=settings.COURSE_CONTENT_ID_KEY,
        algorithm="sha256",
    ).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def legacy_item_id(parent_id: str, name: str, position: int) -> str:
    """The public id list items had until 2026-12-07 (ADR 0008): only to find and re-key them."""
    return derived_id(parent_id, name, str(position))
