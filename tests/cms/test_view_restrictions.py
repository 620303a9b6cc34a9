"""Pages and documents are restricted to signed-in people or groups, never by a shared
password: Wagtail's password form has no rate limit (login and verification have one), and a
shared password is no account."""

from wagtail.admin.forms.collections import CollectionViewRestrictionForm
from wagtail.admin.forms.pages import PageViewRestrictionForm
from wagtail.models import CollectionViewRestriction, PageViewRestriction


def test_a_page_cannot_be_given_a_shared_password():
    form = PageViewRestrictionForm(
        private_page_options=[choice for choice, _label in PageViewRestriction.RESTRICTION_CHOICES]
    )
    offered = [choice for choice, _label in form.fields["restriction_type"].choices]
    assert PageViewRestriction.PASSWORD not in offered
    assert PageViewRestriction.LOGIN in offered and PageViewRestriction.GROUPS in offered
    assert "password" not in form.fields


def test_a_document_collection_cannot_be_given_a_shared_password():
    form = CollectionViewRestrictionForm()
    offered = [choice for choice, _label in form.fields["restriction_type"].choices]
    assert CollectionViewRestriction.PASSWORD not in offered
    assert "password" not in form.fields
