import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lms import services
from lms.models import Completion
from tests.conftest import password_confirmed
from tests.factories import make_course

pytestmark = pytest.mark.django_db


def pass_course(user):
    course = make_course()
    enrolment = services.enrolment_create(user=user, course=course)
    attempt = services.attempt_start(enrolment=enrolment)
    for q in attempt.graded_questions:
        good = [o["id"] for o in q["options"] if o["correct"]]
        services.answer_submit(attempt=attempt, question_id=q["id"], response={"option_ids": good})
    services.attempt_submit(attempt=attempt)
    return course


def test_export_contains_account_and_learning(client, user):
    pass_course(user)
    client.force_login(user)
    password_confirmed(client)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["account"]["full_name"] == user.full_name
    assert data["account"]["professional_role"] is None
    assert len(data["learning"]["completions"]) == 1
    assert data["learning"]["attempts"][0]["passed"] is True


def test_export_needs_login(client):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_delete_account_anonymises_and_keeps_counts(client, user):
    pass_course(user)
    email = user.email
    client.force_login(user)
    password_confirmed(client)
    response = client.post(reverse("accounts:delete"), {"confirm": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("accounts:delete"), {"confirm": "DELETE"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.anonymised_at is not None
    assert user.email != email and user.full_name == ""
    assert not user.is_active and not user.has_usable_password()
    assert not get_user_model().objects.filter(email=email).exists()
    # The programme's count does not drop.
    assert Completion.objects.count() == 1
    # The person is logged out and cannot log in again.
    assert client.get(reverse("accounts:settings")).status_code == 302
