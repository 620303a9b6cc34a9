"""The participants' evaluation after a session (ADR 0017, Evaluation): only who attended,
after the start, once; results per session and per format for who may manage them; the CSV
export carries no names, e-mail addresses or user ids; pages cost a fixed number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from wagtail.models import Locale

from tests.factories import PASSWORD, UserFactory
from trainings import selectors, services
from trainings.errors import TrainingError
from trainings.models import Attendance, Registration, SessionEvaluation

from .conftest import attended, make_format, make_session

pytestmark = pytest.mark.django_db

ANSWERS = {
    "usefulness": "4",
    "trainer_clarity": "5",
    "confidence": "3",
    "would_recommend": "yes",
    "comment": "Goede voorbeelden uit de praktijk.",
}


def logged_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def started_session(**kwargs):
    """A session that started three hours ago (and has ended)."""
    return make_session(days=0, starts_at=timezone.now() - timedelta(hours=3), **kwargs)


def submit(registration, **overrides):
    values = {
        "usefulness": 4,
        "trainer_clarity": 5,
        "confidence": 3,
        "would_recommend": True,
        "comment": "",
    }
    values.update(overrides)
    return services.evaluation_submit(registration=registration, **values)


# ----------------------------------------------------------------------------- participant


def test_an_attended_participant_evaluates_once_and_sees_thanks(user):
    session = started_session()
    registration = attended(session, user)
    client = logged_in(user)
    mine = client.get(reverse("trainings:mine")).content.decode()
    url = reverse("trainings:evaluation", args=[session.public_id])
    assert url in mine
    assert client.get(url).status_code == 200
    answer = client.post(url, ANSWERS, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("trainings:mine")
    with translation.override("nl"):  # the page speaks the site's default language
        thanks = gettext("Thank you for your evaluation.")
    assert thanks != "Thank you for your evaluation."  # translated, so the check means Dutch
    assert thanks in answer.content.decode()
    assert url not in answer.content.decode()  # no second link on "my trainings"
    evaluation = SessionEvaluation.objects.get()
    assert (evaluation.usefulness, evaluation.trainer_clarity, evaluation.confidence) == (4, 5, 3)
    assert evaluation.would_recommend is True
    registration.refresh_from_db()
    assert registration.evaluated

    again = client.post(url, {**ANSWERS, "usefulness": "1"})
    assert again.status_code == 409
    assert SessionEvaluation.objects.count() == 1
    assert SessionEvaluation.objects.get().usefulness == 4


def test_the_service_refuses_a_second_evaluation_and_changes_nothing():
    registration = attended(started_session())
    submit(registration)
    with pytest.raises(TrainingError) as error:
        submit(registration, usefulness=1, comment="Nog een keer")
    assert (error.value.code, error.value.status) == ("already_evaluated", 409)
    assert SessionEvaluation.objects.count() == 1
    assert SessionEvaluation.objects.get().usefulness == 4


def test_who_left_early_may_evaluate_too():
    submit(attended(started_session(), status=Attendance.Status.PARTIAL))
    assert SessionEvaluation.objects.count() == 1


@pytest.mark.parametrize("case", ["absent", "not recorded", "waiting", "not registered"])
def test_only_participants_marked_as_attended_may_evaluate(user, case):
    session = started_session()
    if case == "absent":
        attended(session, user, status=Attendance.Status.ABSENT)
    elif case == "not recorded":
        Registration.objects.create(session=session, user=user, status="registered")
    elif case == "waiting":
        Registration.objects.create(session=session, user=user, status="waiting")
    client = logged_in(user)
    url = reverse("trainings:evaluation", args=[session.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, ANSWERS).status_code == 403
    assert url not in client.get(reverse("trainings:mine")).content.decode()
    assert not SessionEvaluation.objects.exists()


def test_no_evaluation_before_the_session_starts(user):
    session = make_session(days=2)
    registration = attended(session, user)
    assert (
        logged_in(user)
        .post(reverse("trainings:evaluation", args=[session.public_id]), ANSWERS)
        .status_code
        == 403
    )
    with pytest.raises(TrainingError) as error:
        submit(registration)
    assert error.value.status == 403
    assert not SessionEvaluation.objects.exists()


def test_the_evaluation_closes_four_weeks_after_the_session(user):
    starts_at = timezone.now() - timedelta(days=29)
    session = make_session(days=0, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    registration = attended(session, user)
    answer = logged_in(user).post(
        reverse("trainings:evaluation", args=[session.public_id]), ANSWERS
    )
    assert answer.status_code == 403
    with pytest.raises(TrainingError) as error:
        submit(registration)
    assert (error.value.status, error.value.code) == (403, "evaluation_closed")
    assert not SessionEvaluation.objects.exists()
    registration.refresh_from_db()
    assert not registration.evaluated


# ----------------------------------------------------------------------------- invitation


def ended_session(**kwargs):
    """A session that ended an hour ago."""
    starts_at = timezone.now() - timedelta(hours=4)
    return make_session(
        days=0, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), **kwargs
    )


def test_who_attended_is_invited_once_in_their_language_after_the_end():
    from trainings import tasks

    session = ended_session()
    english = attended(session, UserFactory(preferred_language="en"))
    dutch = attended(session, UserFactory(preferred_language="nl"), Attendance.Status.PARTIAL)
    absent = attended(session, status=Attendance.Status.ABSENT)
    not_marked = Registration.objects.create(
        session=session, user=UserFactory(), status="registered"
    )
    assert tasks.evaluations_invite() == 2
    assert tasks.evaluations_invite() == 0  # once per person and session
    assert sorted(m.to[0] for m in mail.outbox) == sorted([english.user.email, dutch.user.email])
    to_english = next(m for m in mail.outbox if m.to == [english.user.email])
    assert to_english.subject.startswith("How was")
    link = reverse("trainings:evaluation", args=[session.public_id])
    assert link in to_english.body
    assert "anonymous" in to_english.body
    to_dutch = next(m for m in mail.outbox if m.to == [dutch.user.email])
    assert to_dutch.body.startswith(f"Beste {dutch.user.full_name},")  # the Dutch catalogue's
    for registration in (english, dutch):
        registration.refresh_from_db()
        assert registration.evaluation_invited_at is not None
    for registration in (absent, not_marked):
        registration.refresh_from_db()
        assert registration.evaluation_invited_at is None
    # a redelivered e-mail message for the same person sends nothing again
    assert (
        services.registration_email_ensure(registration_id=english.pk, kind="evaluation") is False
    )
    assert len(mail.outbox) == 2


def test_no_invitation_before_the_end_after_closing_or_after_answering():
    from trainings import services as training_services

    running = started_session()  # started three hours ago, ends in three hours
    attended(running)
    long_ago = make_session(
        days=0,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=29),
    )
    attended(long_ago)
    answered = attended(ended_session())
    submit(answered)
    waiting = Registration.objects.create(
        session=ended_session(), user=UserFactory(), status="waiting"
    )
    assert training_services.evaluations_invite() == 0
    assert (
        training_services.registration_email_send(registration=waiting, kind="evaluation") is False
    )
    assert mail.outbox == []


def test_attendance_marked_later_is_invited_on_the_next_run():
    from trainings import services as training_services

    session = ended_session()
    registration = Registration.objects.create(
        session=session, user=UserFactory(), status="registered"
    )
    assert training_services.evaluations_invite() == 0
    training_services.attendance_mark(
        registration=registration, status=Attendance.Status.PRESENT, marked_by=None
    )
    assert training_services.evaluations_invite() == 1
    assert len(mail.outbox) == 1


def test_my_trainings_offers_the_evaluation_until_it_closes(user):
    session = ended_session()
    attended(session, user)
    answer = logged_in(user).get(reverse("trainings:mine"))
    html = answer.content.decode()
    assert reverse("trainings:evaluation", args=[session.public_id]) in html
    closes = timezone.localtime(session.ends_at + timedelta(days=28))
    with translation.override(answer["Content-Language"]):
        assert date_format(closes, "DATE_FORMAT") in html


def test_anonymous_visitors_are_sent_to_log_in():
    session = started_session()
    answer = Client().post(reverse("trainings:evaluation", args=[session.public_id]), ANSWERS)
    assert answer.status_code == 302
    assert "login" in answer["Location"]
    assert not SessionEvaluation.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"usefulness": "0"},
        {"usefulness": "6"},
        {"trainer_clarity": "-1"},
        {"confidence": "drie"},
        {"confidence": ""},
        {"would_recommend": "misschien"},
        {"comment": "x" * 1001},
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(user, bad):
    session = started_session()
    registration = attended(session, user)
    answer = logged_in(user).post(
        reverse("trainings:evaluation", args=[session.public_id]), {**ANSWERS, **bad}
    )
    assert answer.status_code == 400
    assert "utrecht-form-field--invalid" in answer.content.decode()
    assert not SessionEvaluation.objects.exists()
    registration.refresh_from_db()
    assert not registration.evaluated


def test_control_and_text_direction_characters_are_refused(user):
    session = started_session()
    attended(session, user)
    answer = logged_in(user).post(
        reverse("trainings:evaluation", args=[session.public_id]),
        {**ANSWERS, "comment": "goed\u202eloos"},
    )
    assert answer.status_code == 400
    assert not SessionEvaluation.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"usefulness": 0},
        {"trainer_clarity": 6},
        {"confidence": True},
        {"usefulness": "4"},
        {"comment": "x" * 1001},
        {"comment": "nul\x00teken"},
    ],
)
def test_the_service_refuses_bad_values(bad):
    registration = attended(started_session())
    with pytest.raises(TrainingError) as error:
        submit(registration, **bad)
    assert error.value.status == 400
    assert not SessionEvaluation.objects.exists()
    registration.refresh_from_db()
    assert not registration.evaluated


def test_the_answers_are_not_linked_to_the_person():
    """The stored answer holds the session and the answers only: no person, registration or
    time that could be matched with the registration's flag."""
    fields = {f.name for f in SessionEvaluation._meta.get_fields()}
    assert fields == {
        "id",
        "session",
        "usefulness",
        "trainer_clarity",
        "confidence",
        "would_recommend",
        "comment",
    }


# ----------------------------------------------------------------------------- organiser


@pytest.fixture
def evaluated(trainer):
    """A format organised by `trainer` with two evaluated sessions: five answers (enough to be
    shown) and one (shown as "<5" only)."""
    fmt = make_format()
    fmt.organisers.add(trainer)
    first, second = started_session(training_format=fmt), started_session(training_format=fmt)
    submit(attended(first, UserFactory(full_name="Piet Participant")), usefulness=5, comment="Top")
    submit(attended(first), usefulness=3, would_recommend=False, comment='=HYPERLINK("x")')
    submit(attended(first), usefulness=4, confidence=5)
    submit(attended(first), usefulness=4)
    submit(attended(first), usefulness=5, trainer_clarity=4, confidence=4)
    submit(attended(second), usefulness=2, trainer_clarity=2, confidence=1, comment="Alleen ik")
    return fmt, first, second


def test_session_aggregates(evaluated):
    _fmt, first, _second = evaluated
    results = selectors.evaluation_results_for_session(session=first)
    assert not results.suppressed
    assert results.count == 5
    assert results.recommend_yes == 4
    assert results.recommend_percent == 80
    usefulness, clarity, confidence = results.questions
    assert usefulness.average == 4.2
    assert usefulness.distribution == [(1, 0, 0), (2, 0, 0), (3, 1, 20), (4, 2, 40), (5, 2, 40)]
    assert clarity.average == 4.8
    assert confidence.average == pytest.approx(3.6)
    assert results.comments == ['=HYPERLINK("x")', "Top"]


def test_a_session_with_fewer_than_five_answers_shows_only_lt5(evaluated):
    _fmt, _first, second = evaluated
    results = selectors.evaluation_results_for_session(session=second)
    assert results.suppressed
    assert results.count_cell == "<5"
    assert results.questions == [] and results.comments == []
    assert results.recommend_percent is None


def test_format_aggregates_leave_out_sessions_below_five(evaluated):
    fmt, first, second = evaluated
    total, per_session = selectors.evaluation_results_for_format(training_format=fmt)
    # the single answer of the second session is not in the total: total minus the first
    # session would give it away
    assert total.count == 5
    assert total.questions[0].average == 4.2
    assert total.questions[0].distribution[2] == (3, 1, 20)
    assert "Alleen ik" not in total.comments
    assert [(s.pk, r.count_cell) for s, r in per_session] == [(first.pk, 5), (second.pk, "<5")]
    assert per_session[0][1].questions[2].average == pytest.approx(3.6)
    assert per_session[1][1].suppressed and per_session[1][1].questions == []


def test_a_format_with_only_small_sessions_shows_nothing(trainer):
    fmt = make_format()
    fmt.organisers.add(trainer)
    for _ in range(2):
        session = started_session(training_format=fmt)
        for _ in range(3):  # six answers over two sessions: still no session reaches five
            submit(attended(session), comment="Te herkennen")
    total, per_session = selectors.evaluation_results_for_format(training_format=fmt)
    assert total.count == 0 and total.comments == []
    assert [r.count_cell for _s, r in per_session] == ["<5", "<5"]
    page = logged_in(trainer).get(reverse("trainings:format_evaluation_results", args=[fmt.pk]))
    html = page.content.decode()
    assert "Te herkennen" not in html
    assert "&lt;5" in html
    assert reverse("trainings:format_evaluation_export", args=[fmt.pk]) not in html
    rows = _csv_rows(
        logged_in(trainer).get(reverse("trainings:format_evaluation_export", args=[fmt.pk]))
    )
    assert len(rows) == 1  # the header only


def test_format_results_count_every_language_version(evaluated, trainer):
    fmt, _first, _second = evaluated
    english = fmt.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.save()
    session = started_session(training_format=english)
    for _ in range(5):
        submit(attended(session), usefulness=1)
    total, per_session = selectors.evaluation_results_for_format(training_format=english)
    assert total.count == 10
    assert len(per_session) == 3


def test_the_organiser_sees_results_without_names(evaluated, trainer):
    fmt, first, _second = evaluated
    client = logged_in(trainer)
    page = client.get(reverse("trainings:evaluation_results", args=[first.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Top" in html
    assert "Piet Participant" not in html
    assert reverse("trainings:format_evaluation_results", args=[fmt.pk]) in html
    overview = client.get(reverse("trainings:format_evaluation_results", args=[fmt.pk]))
    assert overview.status_code == 200
    assert "Piet Participant" not in overview.content.decode()
    assert "Alleen ik" not in overview.content.decode()
    mine = client.get(reverse("trainings:mine")).content.decode()
    assert reverse("trainings:evaluation_results", args=[first.public_id]) in mine
    assert reverse("trainings:format_evaluation_results", args=[fmt.pk]) in mine


def test_the_small_session_page_shows_lt5_and_no_answers(evaluated, trainer):
    _fmt, _first, second = evaluated
    page = logged_in(trainer).get(reverse("trainings:evaluation_results", args=[second.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;5" in html
    assert "Alleen ik" not in html
    assert reverse("trainings:evaluation_export", args=[second.public_id]) not in html


def test_a_trainer_sees_the_session_but_not_the_whole_format(evaluated):
    _fmt, first, _second = evaluated
    session_trainer = UserFactory(second_factor=True)
    first.trainers.add(session_trainer)
    client = logged_in(session_trainer)
    page = client.get(reverse("trainings:evaluation_results", args=[first.public_id]))
    assert page.status_code == 200
    fmt_url = reverse("trainings:format_evaluation_results", args=[first.training_format_id])
    assert fmt_url not in page.content.decode()
    assert client.get(fmt_url).status_code == 404


def _urls(fmt, session) -> list[str]:
    return [
        reverse("trainings:evaluation_results", args=[session.public_id]),
        reverse("trainings:evaluation_export", args=[session.public_id]),
        reverse("trainings:format_evaluation_results", args=[fmt.pk]),
        reverse("trainings:format_evaluation_export", args=[fmt.pk]),
    ]


def test_others_do_not_see_the_results(evaluated, user):
    fmt, first, _second = evaluated
    other_organiser = UserFactory(second_factor=True)
    make_format(title="Andere training").organisers.add(other_organiser)
    participant = first.registrations.first().user
    for person in (other_organiser, user, participant):
        client = logged_in(person)
        for url in _urls(fmt, first):
            assert client.get(url).status_code == 404, (person, url)
    for url in _urls(fmt, first):
        answer = Client().get(url)
        assert answer.status_code == 302 and "login" in answer["Location"]


def _csv_rows(answer) -> list[list[str]]:
    assert answer["Content-Type"].startswith("text/csv")
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_has_the_answers_and_no_names(evaluated, trainer):
    fmt, first, second = evaluated
    client = logged_in(trainer)
    with translation.override("nl"):
        rows = _csv_rows(client.get(reverse("trainings:evaluation_export", args=[first.public_id])))
    assert len(rows) == 6
    body = rows[1:]
    assert sorted(row[2] for row in body) == ["3", "4", "4", "5", "5"]
    with translation.override("nl"):  # the site's default language
        assert {row[5] for row in body} == {gettext("yes"), gettext("no")}
    assert '\'=HYPERLINK("x")' in [row[6] for row in body]  # not run as a formula
    everything = "\n".join(";".join(row) for row in rows)
    for registration in first.registrations.select_related("user"):
        person = registration.user
        assert person.email not in everything
        assert (person.full_name or person.email) not in everything
    assert "Piet Participant" not in everything
    assert len(rows[0]) == 7  # session, training, three scores, recommend, comment: no person

    all_rows = _csv_rows(client.get(reverse("trainings:format_evaluation_export", args=[fmt.pk])))
    assert len(all_rows) == 6  # the second session's single answer is left out
    assert "Alleen ik" not in "\n".join(";".join(row) for row in all_rows)
    small = _csv_rows(client.get(reverse("trainings:evaluation_export", args=[second.public_id])))
    assert small == [rows[0]]  # the header only


def test_results_pages_cost_a_fixed_number_of_queries(
    evaluated, trainer, django_assert_max_num_queries
):
    fmt, first, _second = evaluated
    for _ in range(10):  # more sessions and answers do not cost more queries
        session = started_session(training_format=fmt)
        for _ in range(3):
            submit(attended(session))
    client = logged_in(trainer)
    for url in _urls(fmt, first):
        with django_assert_max_num_queries(13):  # one is the second-factor check (ADR 0022)
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("trainings:mine")).status_code == 200


def test_submitting_costs_a_fixed_number_of_queries(user, django_assert_max_num_queries):
    session = started_session()
    attended(session, user)
    client = logged_in(user)
    with django_assert_max_num_queries(20):
        answer = client.post(reverse("trainings:evaluation", args=[session.public_id]), ANSWERS)
    assert answer.status_code == 302
