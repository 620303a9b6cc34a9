"""Counts by source (ADR 0024): e-learning and training side by side with the total that counts
each person once, kept like the rest; outside counts imported whole, matched by hashed e-mail,
withdrawn whole; the import page and command refuse bad files with a report."""

import hashlib
import importlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.models import Region
from lms import services as lms_services
from lms.models import Completion
from lms.signals import course_passed
from reporting import rules
from reporting.demo import SEED_TARGETS, targets_ensure
from reporting.models import CountedCell, OutsideCount, OutsideCountFile, Target, TargetCourse
from reporting.presentation import overview_table, target_report
from reporting.selectors import kept_counts_check, target_progress, targets_queryset
from reporting.services import (
    OutsideCountsRejected,
    outside_count_file_withdraw,
    outside_counts_import,
    outside_counts_template,
    target_counts_rebuild,
)
from tests.factories import UserFactory, make_course
from tests.trainings.conftest import make_format

from .data import at, passed, people_target

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 30)
HEADER = "date,source,count,email_sha256,region\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def trained(user, training, when) -> Completion:
    """`user` completed the training on location at `when`, announced as trainings does."""
    with transaction.atomic():
        completion = lms_services.completion_create_training(
            user=user, course_key=training.translation_key, title="T", completed_at=when
        )
        course_passed.send(sender=Completion, completion=completion)
    return completion


def sha(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def fresh(target) -> Target:
    return targets_queryset().get(pk=target.pk)


def blended_target(*, kept=True, code="blended", **kwargs) -> tuple[Target, object, object]:
    course, training = make_course(), make_format(title="Kind en Uitbuiting")
    target = people_target(course, code=code, kept=False, **kwargs)
    TargetCourse(target=target, training=training, sort_order=1).save()
    if kept:
        target_counts_rebuild(target=target)
    return fresh(target), course, training


def test_e_learning_and_training_side_by_side_and_each_person_once_in_the_total():
    target, course, training = blended_target()
    recounted, *_ = blended_target(kept=False, code="recounted")
    TargetCourse.objects.filter(target=recounted).delete()
    for link in TargetCourse.objects.filter(target=target):
        TargetCourse(
            target=recounted, course_key=link.course_key, sort_order=link.sort_order
        ).save()
    utrecht, other = Region.objects.get(slug="utrecht"), Region.objects.exclude(slug="utrecht")[0]
    both = UserFactory(region=utrecht)
    passed(both, course, at(2025, 2, 1))
    trained(both, training, at(2025, 6, 1))  # later: counts once, from February, in both columns
    for _ in range(5):
        passed(UserFactory(region=utrecht), course, at(2025, 3, 1))
    for _ in range(6):
        trained(UserFactory(region=other), training, at(2025, 4, 1))

    progress = target_progress(target=fresh(target), as_of=AS_OF)
    assert progress.forecast.achieved == 12
    assert progress.by_source[rules.SOURCE_ELEARNING] == 6
    assert progress.by_source[rules.SOURCE_TRAINING] == 7
    assert progress.by_source[0] == 12
    report = target_report(target=fresh(target), as_of=AS_OF)
    table = {t.key: t for t in report.tables}["source"]
    assert table.columns == ["Region", "E-learning", "On location", "Total (each person once)"]
    rows = {row[0]: row[1:] for row in table.rows}
    # 0 e-learning and 6 once would pin the "≥5" to 6, and so the "<5" to 7 - 6 = 1
    assert rows[str(utrecht)] == [6, "<5", "≥5"]
    assert rows[str(other)] == [0, "≥5", "≥5"]
    assert rows["Total"] == [6, 7, 12]
    # the kept cells equal a recount, and a target recounting from the raw rows shows the same
    check = kept_counts_check(target=fresh(target))
    assert check.equal and check.kept_total == 12
    assert set(key[3] for key in check.kept) == {1, 2, 3}  # sources: e-learning, training, both
    other_report = target_report(target=fresh(recounted), as_of=AS_OF)
    assert [t.rows for t in report.all_tables] == [t.rows for t in other_report.all_tables]
    # exports carry the per-source columns
    overview = overview_table([progress])
    assert overview.columns[-4:] == [
        "E-learning",
        "On location",
        "BUIT e-learning (imported)",
        "Campaign reach (imported)",
    ]
    assert overview.rows[0][-4:] == [6, 7, "", ""]


def test_the_rebuild_keeps_the_sources_and_the_check_finds_a_wrong_one(capsys):
    target, course, training = blended_target(code="rebuilt")
    learner = UserFactory()
    passed(learner, course, at(2025, 2, 1))
    trained(learner, training, at(2025, 3, 1))
    assert list(CountedCell.objects.filter(target=target).values_list("sources", "people")) == [
        (3, 1)
    ]
    CountedCell.objects.filter(target=target).update(sources=1)
    with pytest.raises(CommandError):
        call_command("reporting_counts_rebuild", "--check", "--target", "rebuilt")
    assert "DIFFERENT" in capsys.readouterr().out
    call_command("reporting_counts_rebuild", "--target", "rebuilt")
    call_command("reporting_counts_rebuild", "--check", "--target", "rebuilt")
    assert "kept 1, recounted 1: equal" in capsys.readouterr().out
    by_source = target_progress(target=fresh(target), as_of=AS_OF).by_source
    assert (by_source[1], by_source[2], by_source[0]) == (1, 1, 1)


def outside_target(*, code="reach", buit=False, campaign=True, course=None) -> Target:
    target = people_target(*([course] if course else []), code=code, start=date(2024, 1, 1))
    Target.objects.filter(pk=target.pk).update(
        counts_outside_buit=buit, counts_outside_campaign=campaign
    )
    return fresh(target)


def test_outside_counts_add_per_source_and_a_hashed_person_who_passed_here_counts_once():
    course = make_course()
    target = outside_target(code="module-1", buit=True, campaign=True, course=course)
    here = UserFactory(email="Here@Example.org")
    passed(here, course, at(2025, 1, 10))
    not_here = UserFactory(email="registered@example.org")  # on the platform, never passed
    utrecht = Region.objects.get(slug="utrecht")
    content = (
        HEADER
        + "2025-03-01,campaign,400,,utrecht\n"
        + "15-03-2025,BUIT,25,,\n"
        + f"2025-03-02,buit,,{sha(' here@example.org ')},\n"  # passed here: not again
        + f"2025-03-03,buit,,{sha('registered@example.org').upper()},\n"
        + f"2025-03-04,campaign,,{sha('stranger@example.org')},\n"
        + f"2025-04-04,campaign,,{sha('stranger@example.org')},\n"  # the same person again
    ).encode()
    upload = outside_counts_import(content=content, filename="maart.csv", by=UserFactory())
    assert (upload.rows, upload.total) == (6, 429)
    matched = OutsideCount.objects.get(file=upload, line=5)
    assert matched.user == not_here and matched.person_key == sha("registered@example.org")
    assert OutsideCount.objects.get(file=upload, line=4).user == here

    progress = target_progress(target=fresh(target), as_of=AS_OF)
    # 1 on the platform + 400 + 25 + registered-but-not-passed 1 + the stranger once
    assert progress.forecast.achieved == 428
    assert progress.monthly[date(2025, 3, 1)] == 427
    assert progress.by_source[rules.SOURCE_ELEARNING] == 1
    assert progress.by_source[rules.SOURCE_OUTSIDE_BUIT] == 26
    assert progress.by_source[rules.SOURCE_OUTSIDE_CAMPAIGN] == 401
    rows = {
        row[0]: row[1:] for row in target_report(target=fresh(target), as_of=AS_OF).tables[-1].rows
    }
    # the stranger is the one "<5" of the campaign column, so Utrecht's 400 is shown as "≥5";
    # and Utrecht's once as well: its only source is the campaign, so once = campaign (ADR 0025)
    assert rows[str(utrecht)][-2:] == ["≥5", "≥5"]
    assert rows["Total"] == ["<5", 0, "x", 401, 428]

    # once the matched person passes here too, they count once, from their pass
    passed(not_here, course, at(2025, 5, 1))
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 428
    assert kept_counts_check(target=fresh(target)).equal

    # withdrawing the file takes every row out; the file stays listed as withdrawn
    outside_count_file_withdraw(upload=upload, by=UserFactory())
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 2
    assert not OutsideCount.objects.exists()
    assert OutsideCountFile.objects.get().withdrawn_at is not None
    with pytest.raises(ValueError):
        outside_count_file_withdraw(upload=upload, by=UserFactory())


def test_a_person_who_registers_after_the_import_counts_once_from_their_pass():
    """The import matched the addresses of its day; a person imported first who registers
    later (or whose account takes on the address later) is linked then, and counts once."""
    course = make_course()
    target = outside_target(code="module-1", buit=True, course=course)
    content = (
        HEADER
        + f"2025-03-02,buit,,{sha('later@example.org')},\n"
        + f"2025-03-03,buit,,{sha('renamed@example.org')},\n"
    ).encode()
    upload = outside_counts_import(content=content, filename="maart.csv", by=UserFactory())
    assert not OutsideCount.objects.filter(file=upload, user__isnull=False).exists()
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 2

    later = UserFactory(email="Later@Example.org")  # registers after the import
    assert OutsideCount.objects.get(file=upload, line=2).user == later
    passed(later, course, at(2025, 5, 1))
    progress = target_progress(target=fresh(target), as_of=AS_OF)
    assert progress.forecast.achieved == 2  # not 3: the same person
    assert progress.by_source[rules.SOURCE_ELEARNING] == 1
    assert progress.by_source[rules.SOURCE_OUTSIDE_BUIT] == 1

    # an account that passed under another address and then takes on the imported one
    renamed = UserFactory(email="old@example.org")
    passed(renamed, course, at(2025, 6, 1))
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 3
    renamed.email = "renamed@example.org"
    renamed.save(update_fields=["email"])
    assert OutsideCount.objects.get(file=upload, line=3).user == renamed
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 2
    assert kept_counts_check(target=fresh(target)).equal

    # a row held by one account is not taken over by another with a look-alike address
    other = UserFactory(email="someone@example.org")
    other.email = "LATER@example.org "  # the key trims and lower-cases
    other.save()
    assert OutsideCount.objects.get(file=upload, line=2).user == later


def test_signing_up_through_the_form_after_the_import_links_the_imported_row(client):
    """As a new user would: the programme imports a BUIT file, then the person signs up with
    the sign-up form (the address in another case), and the imported row is theirs."""
    outside_target(code="module-1", buit=True)
    content = (HEADER + f"2025-03-02,buit,,{sha('fatima@example.org')},\n").encode()
    upload = outside_counts_import(content=content, filename="maart.csv", by=UserFactory())
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Fatima el Amrani",
            "email": "Fatima@Example.org",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
        },
    )
    assert response.status_code == 302
    row = OutsideCount.objects.get(file=upload)
    assert row.user is not None and row.user.email == "fatima@example.org"


def test_a_bad_row_anywhere_imports_nothing_and_the_report_lists_every_bad_row():
    outside_target()
    content = (
        HEADER
        + "2025-03-01,campaign,400,,\n" * 3
        + "2025-13-01,campaign,1,,\n"  # line 5
        + "2025-03-01,flyers,1,,\n"  # line 6
        + "2025-03-01,campaign,1,abc,\n"  # line 7: both
        + "2025-03-01,campaign,,person@example.org,\n"  # line 8: an address, not its hash
        + "2025-03-01,campaign,-3,,\n"  # line 9
        + "2025-03-01,campaign,2,,Atlantis\n"  # line 10
        + "2099-01-01,campaign,2,,\n"  # line 11: in the future
    ).encode()
    with pytest.raises(OutsideCountsRejected) as rejected:
        outside_counts_import(content=content, filename="bad.csv", by=None)
    found = [(p.line, p.field) for p in rejected.value.problems]
    assert found == [
        (5, "date"),
        (6, "source"),
        (7, "count"),
        (8, "e-mail SHA-256"),
        (9, "count"),
        (10, "region"),
        (11, "date"),
    ]
    assert not OutsideCountFile.objects.exists() and not OutsideCount.objects.exists()


def test_a_count_that_is_not_plain_digits_is_a_bad_row_not_a_crash():
    """`str.isdigit` took "²" and 5,000 digits, which `int` then refused: a 500 (the audit)."""
    outside_target()
    content = (
        HEADER
        + "2025-03-01,campaign,\u00b2,,\n"  # line 2: a superscript two
        + "2025-03-01,campaign,\u0663,,\n"  # line 3: an Arabic-Indic three
        + "2025-03-01,campaign,"
        + "9" * 5000
        + ",,\n"  # line 4: past int()'s 4,300 digits
        + "2025-03-01,campaign,1000000,,\n"  # line 5: the largest count, fine
    ).encode()
    with pytest.raises(OutsideCountsRejected) as rejected:
        outside_counts_import(content=content, filename="digits.csv", by=None)
    assert [(p.line, p.field) for p in rejected.value.problems] == [
        (2, "count"),
        (3, "count"),
        (4, "count"),
    ]


def test_a_row_with_more_cells_than_columns_is_refused_not_cut_short():
    """A comma file's "1,000" split into "1" and "000": the import counted 1 (the audit)."""
    outside_target()
    content = (
        b"date,source,count\n"
        b"2025-03-01,campaign,1,000\n"  # line 2
        b"2025-03-01,campaign,5,\n"  # line 3: an empty cell after the last column is fine
    )
    with pytest.raises(OutsideCountsRejected) as rejected:
        outside_counts_import(content=content, filename="thousands.csv", by=None)
    [problem] = rejected.value.problems
    assert problem.line == 2
    assert "thousands separator" in problem.message
    assert not OutsideCountFile.objects.exists()


def test_a_column_named_twice_is_refused():
    """Which of two "count" columns would count is a guess; the last one used to win."""
    outside_target()
    content = b"datum;bron;aantal;count\n2025-03-01;campagne;5;6\n"
    with pytest.raises(OutsideCountsRejected) as rejected:
        outside_counts_import(content=content, filename="twice.csv", by=None)
    assert [(p.line, p.field) for p in rejected.value.problems] == [(1, "count")]
    assert not OutsideCountFile.objects.exists()


def test_the_same_file_counts_once_until_it_is_withdrawn():
    """An identical file imported twice counted every row twice (the audit)."""
    target = outside_target()
    content = (HEADER + "2025-03-01,campaign,40,,\n").encode()
    first = outside_counts_import(content=content, filename="march.csv", by=None)
    with pytest.raises(OutsideCountsRejected) as rejected:
        outside_counts_import(content=content, filename="march (1).csv", by=None)
    [problem] = rejected.value.problems
    assert "march.csv" in problem.message and "withdraw" in problem.message
    assert OutsideCountFile.objects.count() == 1
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 40
    # a corrected file is another file; the same file again once the first is withdrawn
    outside_counts_import(
        content=(HEADER + "2025-03-01,campaign,41,,\n").encode(), filename="fix.csv", by=None
    )
    outside_count_file_withdraw(upload=first, by=None)
    outside_counts_import(content=content, filename="march.csv", by=None)
    assert target_progress(target=fresh(target), as_of=AS_OF).forecast.achieved == 81


def test_the_seeded_campaign_target_counts_campaign_reach_and_module_1_the_buit_completions():
    targets_ensure()
    reach = Target.objects.get(code="bereik-professionals-kinderen")
    assert (reach.target_number, reach.period_end) == (50000, date(2025, 12, 31))
    assert reach.outside_sources == ["campaign"]
    assert Target.objects.get(code="module-1-basiskennis").outside_sources == ["buit"]
    assert len(SEED_TARGETS) == Target.objects.count() == 7
    outside_counts_import(
        content=(HEADER + "2025-06-30,campaign,1234,,\n").encode(),
        filename="reach.csv",
        by=None,
    )
    assert target_progress(target=fresh(reach), as_of=AS_OF).forecast.achieved == 1234


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role=roles.PROGRAMME_STAFF))
    return client


def upload(client, content: bytes, name="counts.csv"):
    return client.post(
        reverse("reporting:outside_counts"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_the_import_page_imports_lists_and_withdraws_a_file(staff_client):
    outside_target()
    page = staff_client.get(reverse("reporting:outside_counts"))
    assert page.status_code == 200
    # Dutch Excel: semicolons and a BOM
    response = upload(staff_client, "\ufeffdatum;bron;aantal\n01-03-2025;campagne;75\n".encode())
    assert response.status_code == 302
    upload_row = OutsideCountFile.objects.get()
    assert (upload_row.rows, upload_row.total, upload_row.filename) == (1, 75, "counts.csv")
    listing = staff_client.get(reverse("reporting:outside_counts")).content.decode()
    assert "counts.csv" in listing and "Withdraw the whole file" in listing
    # the list links to a confirmation page, which changes nothing by itself
    withdraw_url = reverse("reporting:outside_count_file_withdraw", args=[upload_row.pk])
    assert f'href="{withdraw_url}"' in listing
    confirm = staff_client.get(withdraw_url)
    assert confirm.status_code == 200
    assert "counts.csv" in confirm.content.decode() and 'method="post"' in confirm.content.decode()
    assert OutsideCountFile.objects.get().withdrawn_at is None and OutsideCount.objects.exists()
    response = staff_client.post(withdraw_url)
    assert response.status_code == 302
    assert OutsideCountFile.objects.get().withdrawn_at is not None
    assert not OutsideCount.objects.exists()
    # a withdrawn file has nothing to confirm
    assert staff_client.get(withdraw_url)["Location"] == reverse("reporting:outside_counts")


def test_the_import_message_counts_rows_in_words_and_numbers_in_the_page_format(staff_client):
    """The audit saw "Ingelezen: 1 regels, 3121 in totaal.": one row is singular, and the
    total is grouped like every other number of the page."""
    outside_target()
    response = upload(staff_client, (HEADER + "2025-03-01,campaign,3121,,\n").encode())
    page = staff_client.get(response.url).content.decode()
    assert "Imported: 1 row, 3,121 in total." in page
    upload(staff_client, (HEADER + "2025-03-01,campaign,1,,\n" * 2).encode(), name="two.csv")
    assert "Imported: 2 rows, 2 in total." in staff_client.get(response.url).content.decode()
    with translation.override("nl"):
        response = upload(
            staff_client,
            (HEADER + "2025-03-02,campaign,3121,,\n").encode(),
            name="nl.csv",
        )
        assert response.status_code == 302
        page = staff_client.get(response.url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "3.121" in page, page


def test_bad_uploads_are_refused_with_a_report_never_a_500(staff_client):
    too_large = HEADER.encode() + b"2025-03-01,campaign,1,,\n" * 420_000  # > 10 MB
    cases = [
        (too_large, "larger than 10 MB"),
        ("date,source,count\n01-03-2025,campagne,7\n".encode("utf-16"), "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "UTF-8"),
        (b"date,source,count\n2025-03-01,campaign,1\n\x00\x01,\x02\n", "not a valid CSV"),
        (b"name,email\nA,a@example.org\n", "The first row must name the columns"),
        # an unclosed quote swallows the rest of the line: a bad row, reported
        (HEADER.encode() + b'2025-03-01,"campaign,1,,\n', "Unknown source"),
        (b"", "empty"),
        (HEADER.encode() + b"2025-03-01,campaign,0,,\n", "line"),
    ]
    for content, message in cases:
        response = upload(staff_client, content)
        assert response.status_code == 400, message
        body = response.content.decode()
        assert message in body or message == "line", message
    problems = upload(staff_client, HEADER.encode() + b"2025-03-01,campaign,0,,\n")
    assert "import-problems" in problems.content.decode()
    assert not OutsideCountFile.objects.exists()


def test_an_unknown_source_is_answered_with_the_words_of_the_pages_language(staff_client):
    """The Dutch page asks for "campagne" (as its help text does), not the code "campaign"."""
    content = HEADER.encode() + b"2025-03-01,folder,1,,\n"
    english = upload(staff_client, content)
    assert english.status_code == 400 and "campaign (" in english.content.decode()
    with translation.override("nl"):
        word = translation.pgettext("outside count source word", "campaign")
        dutch = staff_client.post(
            reverse("reporting:outside_counts"),
            {"file": SimpleUploadedFile("counts.csv", content, content_type="text/csv")},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert word == "campagne"
    body = dutch.content.decode()
    assert 'lang="nl"' in body
    assert "campagne (" in body and "campaign (" not in body


def test_only_programme_staff_who_change_targets_import(client):
    client.force_login(UserFactory(role=roles.SITE_ADMIN))  # reads the dashboard, edits no target
    assert client.get(reverse("reporting:outside_counts")).status_code == 403
    client.force_login(UserFactory())
    assert upload(client, HEADER.encode()).status_code == 403
    client.logout()
    assert client.get(reverse("reporting:outside_counts_template")).status_code == 302


def test_the_template_is_in_the_page_language(staff_client):
    with translation.override("nl"):
        response = staff_client.get(
            reverse("reporting:outside_counts_template"), HTTP_ACCEPT_LANGUAGE="nl"
        )
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    with translation.override("nl"):
        assert header == outside_counts_template().strip()
    assert len(header.split(";")) == 5
    # the template, filled in, imports
    outside_target()
    filled = f"{header}\n2025-03-01;campaign;3;;\n".encode()
    assert outside_counts_import(content=filled, filename="t.csv", by=None).total == 3


def test_the_command_imports_or_exits_with_the_problems(tmp_path, capsys):
    outside_target()
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "2025-03-01,campaign,12,,\n", encoding="utf-8")
    call_command("reporting_outside_counts_import", str(good))
    assert "imported 1 rows, 12 in total" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2025-03-01,campaign,12,,\nyesterday,campaign,1,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not imported"):
        call_command("reporting_outside_counts_import", str(bad))
    assert "line 3 [date]" in capsys.readouterr().err
    with pytest.raises(CommandError, match="no such file"):
        call_command("reporting_outside_counts_import", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="no user"):
        call_command("reporting_outside_counts_import", str(good), "--by", "nobody@example.org")
    assert OutsideCountFile.objects.count() == 1


def test_the_migration_adds_the_campaign_target_where_the_seeded_targets_exist():
    from django.apps import apps

    migration = importlib.import_module("reporting.migrations.0008_campaign_reach_target")
    migration.add_reach_target(apps, None)
    assert not Target.objects.exists()  # a database without the seeded targets: nothing
    people_target(code="module-1-basiskennis")
    migration.add_reach_target(apps, None)
    migration.add_reach_target(apps, None)  # a second run changes nothing
    reach = Target.objects.get(code="bereik-professionals-kinderen")
    assert (reach.target_number, reach.counts_outside_campaign) == (50000, True)
    assert Target.objects.get(code="module-1-basiskennis").counts_outside_buit
