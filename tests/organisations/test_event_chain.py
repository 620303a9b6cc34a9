"""The chain after a pass, as drawn in ADR 0004 (amended 2026-12-06): pass → personal
certificate → organisation evaluation. Organisations do not listen to the pass itself."""

import pytest

from certificates import services as certificate_services
from certificates.models import Certificate
from organisations.models import Organisation
from organisations.services import certification
from outbox.models import OutboxMessage
from outbox.services import outbox_message_run
from tests.certificates.conftest import pass_course_without_certificate
from tests.organisations.conftest import add_member, make_organisation, pass_course

pytestmark = pytest.mark.django_db


def written_so_far() -> int:
    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def small_organisation(manager, hotel_course):
    return make_organisation(manager=manager, course=hotel_course, declared_staff=1)


def test_a_pass_without_a_certificate_asks_no_organisation_for_an_evaluation(
    small_organisation, hotel_course
):
    member = add_member(small_organisation)  # joining asks for an evaluation of its own
    before = written_so_far()
    completion = pass_course_without_certificate(member.user, hotel_course)
    assert completion is not None
    assert not Certificate.objects.filter(completion=completion).exists()
    assert not OutboxMessage.objects.filter(
        pk__gt=before, kind=certification.EVALUATION_WANTED
    ).exists()


def test_pass_then_certificate_then_organisation_evaluation(small_organisation, hotel_course):
    member = add_member(small_organisation)
    before = written_so_far()
    completion = pass_course(member.user, hotel_course)
    certificate = Certificate.objects.get(completion=completion)
    kinds = list(
        OutboxMessage.objects.filter(pk__gt=before).order_by("pk").values_list("kind", "payload")
    )
    # the issued certificate announces itself (certificate_status_changed), which writes one
    # evaluation of the member's organisation; then the certificate's PDF and e-mail. All in the
    # transaction of the pass.
    assert kinds == [
        (
            certification.EVALUATION_WANTED,
            {"organisation_id": small_organisation.pk, "cause": "member_passed"},
        ),
        (certificate_services.PDF_WANTED, {"certificate_id": certificate.pk}),
        (certificate_services.EMAIL_WANTED, {"certificate_id": certificate.pk}),
    ]
    evaluation = OutboxMessage.objects.get(pk__gt=before, kind=certification.EVALUATION_WANTED)
    assert outbox_message_run(message_id=evaluation.pk)
    small_organisation.refresh_from_db()
    assert small_organisation.certification_status == Organisation.CertificationStatus.CERTIFIED
