"""organisations.services.staff_csv: the staff CSV template, import and export."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from organisations.errors import ImportRejected
from organisations.models import (
    CertificationStatusChange,
    Invitation,
    Organisation,
)
from organisations.services import staff, staff_csv
from tests.factories import UserFactory
from tests.organisations.conftest import add_member, make_organisation

pytestmark = pytest.mark.django_db
Status = Organisation.CertificationStatus
Cause = CertificationStatusChange.Cause

GOOD_CSV = (
    "name,email,role\n"
    "Ana de Vries,ana@example.org,reception\n"
    "Bo Jansen,BO@example.org,Housekeeping\n"
    "Cem Yilmaz,cem@example.org,\n"
)


def test_import_invites_everyone_and_reimport_creates_no_duplicates(organisation, manager):
    result = staff_csv.members_import(
        organisation=organisation, content=GOOD_CSV.encode(), invited_by=manager
    )
    assert (result.invited, result.already_invited, result.already_member) == (3, 0, 0)
    roles_by_email = dict(organisation.invitations.values_list("email", "role"))
    assert roles_by_email == {
        "ana@example.org": "reception",
        "bo@example.org": "housekeeping",
        "cem@example.org": "other",
    }
    staff.invitation_accept(
        invitation=organisation.invitations.get(email="ana@example.org"),
        user=UserFactory(email="ana@example.org"),
    )
    again = staff_csv.members_import(
        organisation=organisation, content=GOOD_CSV, invited_by=manager
    )
    assert (again.invited, again.already_invited, again.already_member) == (0, 2, 1)
    assert Invitation.objects.filter(organisation=organisation).count() == 3


def test_import_understands_dutch_headers_and_semicolons(organisation, manager):
    content = "\ufeffNaam;E-mail;Rol\nAna;ana@example.org;receptie\n".encode()
    result = staff_csv.members_import(
        organisation=organisation, content=content, invited_by=manager
    )
    assert result.invited == 1
    assert organisation.invitations.get().role == "reception"


def test_one_bad_row_rejects_the_whole_file_with_a_row_report(organisation, manager):
    content = (
        "name,email,role\n"
        "Ana,ana@example.org,reception\n"
        "Bo,not-an-email,reception\n"
        "Cem,cem@example.org,boss\n"
        "Dirk,ana@example.org,other\n"
    )
    with pytest.raises(ImportRejected) as exc:
        staff_csv.members_import(organisation=organisation, content=content, invited_by=manager)
    assert [row["line"] for row in exc.value.errors] == [3, 4, 5]
    assert "boss" in exc.value.errors[1]["errors"][0]
    assert "2" in exc.value.errors[2]["errors"][0]  # duplicate of line 2
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00garbage", b"naam\nAna\n", b"name,email,role\n"],
)
def test_unreadable_files_are_rejected(organisation, manager, content):
    with pytest.raises(ImportRejected):
        staff_csv.members_import(organisation=organisation, content=content, invited_by=manager)
    assert not Invitation.objects.exists()


def test_export_neutralises_formulas(organisation):
    for name in ('=HYPERLINK("http://x")', "+31 6", "-1", "@SUM(A1)", "Gewone Naam"):
        add_member(organisation, user=UserFactory(full_name=name))
    with translation.override("en"):
        exported = staff_csv.members_export_csv(organisation=organisation)
    lines = exported.splitlines()
    # the import's columns (so the file can be imported again), then the date and the status
    assert lines[0] == "name,e-mail address,role,language,joined on,training"
    names = sorted(line.split(",")[0] for line in lines[1:])
    assert "'+31 6" in names and "'-1" in names and "'@SUM(A1)" in names
    assert "Gewone Naam" in names
    assert any(n.startswith("\"'=HYPERLINK") for n in names)
    assert not any(n[:1] in "=+-@" for n in names)


def test_the_spreadsheet_guard_prefixes_formula_text_and_leaves_other_values():
    """One guard for the staff export and reporting's CSV and XLSX: only text is changed, so
    numbers, dates and empty cells stay typed in a workbook."""
    from accounts.spreadsheets import spreadsheet_safe

    for text in ("=1+1", "+31 6", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("Gewone Naam") == "Gewone Naam"
    for value in (-1, Decimal("-2.5"), date(2026, 1, 1), None, True):
        assert spreadsheet_safe(value) == value
    assert staff_csv.csv_cell(None) == "" and staff_csv.csv_cell(-1) == "'-1"


def test_import_accepts_role_names_and_headers_in_every_language(organisation, manager):
    content = (
        "imię i nazwisko;adres e-mail;stanowisko;język\n"
        "Ola;ola@example.org;sprzątanie;pl\n"
        "Maria;maria@example.org;limpieza;Español\n"
        "Sam;sam@example.org;housekeeping;\n"
    )
    result = staff_csv.members_import(
        organisation=organisation, content=content, invited_by=manager, default_language="en"
    )
    assert result.invited == 3
    rows = {i.email: (i.role, i.language) for i in Invitation.objects.all()}
    assert rows == {
        "ola@example.org": ("housekeeping", "pl"),
        "maria@example.org": ("housekeeping", "es"),
        "sam@example.org": ("housekeeping", "en"),
    }


def test_import_reports_an_unknown_language(organisation, manager):
    with pytest.raises(ImportRejected) as error:
        staff_csv.members_import(
            organisation=organisation,
            content="name,email,role,language\nAna,ana@example.org,reception,klingon\n",
            invited_by=manager,
        )
    assert error.value.errors[0]["line"] == 2
    assert not Invitation.objects.exists()


def test_the_template_and_the_export_share_headers_and_import_again(organisation, manager):
    add_member(organisation, user=UserFactory(full_name="Ana", email="ana@example.org"))
    with translation.override("en"):
        template = staff_csv.members_csv_template()
        exported = staff_csv.members_export_csv(organisation=organisation)
    assert exported.splitlines()[0].startswith(template.splitlines()[0])
    # the template's role rows have no person in them: importing it alone invites nobody
    with pytest.raises(ImportRejected):
        staff_csv.members_import(organisation=organisation, content=template, invited_by=manager)
    other = make_organisation(manager=manager, course=None, name="Hotel Twee")
    result = staff_csv.members_import(organisation=other, content=exported, invited_by=manager)
    assert result.invited == 1
