"""Staff lists as CSV: the import template, the all-or-nothing import that invites everyone in
it, and the export of the members. Headers and role names are read in every interface language
(ADR 0016)."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.plain_text import MESSAGE as PLAIN_TEXT_MESSAGE
from accounts.plain_text import has_forbidden_characters
from accounts.spreadsheets import spreadsheet_safe
from outbox.services import outbox_add

from ..errors import ImportRejected
from ..models import Invitation, Organisation, StaffMembership
from ..selectors import (
    account_deleted,
    current_memberships,
    member_display_name,
    organisation_members,
)
from .staff import INVITATION_WANTED

MAX_IMPORT_BYTES = 1_000_000


MAX_IMPORT_ROWS = 5_000


#: The CSV columns, in this order, in the template, the import and the export. The headers are
#: written in the manager's language and read in every interface language (ADR 0016).
CSV_COLUMNS = ("name", "email", "role", "language")


EXPORT_COLUMNS = (*CSV_COLUMNS, "joined_at", "status")


#: Each column's header, translated (the same msgids as before: "CSV column" context).
COLUMN_LABELS = {
    "name": pgettext_lazy("CSV column", "name"),
    "email": pgettext_lazy("CSV column", "e-mail address"),
    "role": pgettext_lazy("CSV column", "role"),
    "language": pgettext_lazy("CSV column", "language"),
    "joined_at": pgettext_lazy("CSV column", "joined on"),
    "status": pgettext_lazy("CSV column", "training"),
}


def _column_label(column: str) -> str:
    return str(COLUMN_LABELS[column])


def _aliases(words: dict[str, str], labels: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """What a cell may say for a value (header or role): the `words` managers type themselves,
    each value's code, and its lazy label translated into every interface language; lower case."""
    aliases = dict(words)
    for value, label in labels:
        aliases[value] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[str(label).strip().lower()] = value
    return aliases


#: Headers people type themselves, besides the translated column names.
HEADER_WORDS = {
    "name": "name",
    "naam": "name",
    "full name": "name",
    "imię i nazwisko": "name",
    "nazwisko": "name",
    "nombre": "name",
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "emailadres": "email",
    "email address": "email",
    "e-mail address": "email",
    "adres e-mail": "email",
    "correo": "email",
    "correo electrónico": "email",
    "role": "role",
    "rol": "role",
    "functie": "role",
    "rola": "role",
    "stanowisko": "role",
    "puesto": "role",
    "language": "language",
    "taal": "language",
    "język": "language",
    "idioma": "language",
}


#: Words managers use in their own staff lists, besides the role codes and the role names in
#: every interface language (which come from the translation catalogues).
ROLE_WORDS = {
    "receptie": "reception",
    "front office": "reception",
    "huishouding": "housekeeping",
    "schoonmaak": "housekeeping",
    "technische dienst": "technical",
    "techniek": "technical",
    "onderhoud": "technical",
    "f&b": "food_beverage",
    "horeca": "food_beverage",
    "keuken": "food_beverage",
    "bediening": "food_beverage",
    "food & beverage": "food_beverage",
    "directie": "management",
    "leidinggevende": "management",
    "overig": "other",
    "anders": "other",
    "recepcja": "reception",
    "sprzątanie": "housekeeping",
    "dział techniczny": "technical",
    "gastronomia": "food_beverage",
    "kierownictwo": "management",
    "inne": "other",
    "recepción": "reception",
    "limpieza": "housekeeping",
    "pisos": "housekeeping",
    "servicio técnico": "technical",
    "mantenimiento": "technical",
    "restauración": "food_beverage",
    "alimentos y bebidas": "food_beverage",
    "dirección": "management",
    "otro": "other",
    "otros": "other",
}


def _language_aliases() -> dict[str, str]:
    """A language by its code, its own name or its English name (nl, Nederlands, Dutch)."""
    aliases = {}
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        for word in (code, info["name"], info["name_local"]):
            aliases[word.strip().lower()] = code
    return aliases


def members_csv_template() -> str:
    """The import template in the active language: the headers, then one row per role with only
    the role filled in (rows without a name and an e-mail address are skipped on import)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_column_label(column) for column in CSV_COLUMNS])
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    for _value, label in StaffMembership.Role.choices:
        writer.writerow(["", "", str(label), language])
    return out.getvalue()


@dataclass(frozen=True)
class ImportRow:
    line: int
    name: str
    email: str
    role: str
    language: str = settings.LANGUAGE_CODE


@dataclass(frozen=True)
class ImportResult:
    invited: int
    already_invited: int
    already_member: int

    @property
    def rows(self) -> int:
        return self.invited + self.already_invited + self.already_member


def _rejected(line: int, message: str) -> ImportRejected:
    return ImportRejected(
        _("The file was not imported."), errors=[{"line": line, "errors": [message]}]
    )


def _csv_rows(reader):
    """(line number, cells) from the second row on; a file the csv module cannot read (e.g. an
    unclosed quote at the end) is rejected like any bad file."""
    line = 1
    try:
        for line, cells in enumerate(reader, start=2):
            yield line, cells
    except csv.Error as exc:
        raise _rejected(line + 1, _("The file is not a valid CSV file.")) from exc


def members_csv_parse(*, content: bytes | str, default_language: str = "") -> list[ImportRow]:
    """Read a CSV with the columns name, email, role and language (headers and role names in
    any interface language; comma or semicolon). A row without a language gets
    `default_language`. Any invalid row rejects the whole file with a report of every bad row."""
    default_language = default_language or settings.LANGUAGE_CODE
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            raise _rejected(0, _("The file is larger than 1 MB."))
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _rejected(0, _("Save the file as CSV in UTF-8.")) from exc
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise _rejected(1, _("The file is empty."))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header_aliases = _aliases(
        HEADER_WORDS, [(column, COLUMN_LABELS[column]) for column in CSV_COLUMNS]
    )
    try:
        first = next(reader)
    except csv.Error as exc:
        raise _rejected(1, _("The file is not a valid CSV file.")) from exc
    header = [header_aliases.get(cell.strip().lower(), "") for cell in first]
    if "email" not in header:
        raise _rejected(
            1,
            _("The first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(_column_label(column) for column in CSV_COLUMNS)},
        )
    roles_by_alias = _aliases(ROLE_WORDS, StaffMembership.Role.choices)
    languages_by_alias = _language_aliases()
    rows: list[ImportRow] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for line, cells in _csv_rows(reader):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            raise _rejected(line, _("A file can have at most 5000 rows."))
        record = {
            column: cell.strip() for column, cell in zip(header, cells, strict=False) if column
        }
        if not record.get("email") and not record.get("name"):
            continue  # a role-only row left over from the template
        problems = []
        email = record.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid e-mail address.") % {"value": email})
        else:
            if email in seen:
                problems.append(
                    _("This e-mail address is also on line %(line)s.") % {"line": seen[email]}
                )
            seen.setdefault(email, line)
        role_text = record.get("role", "")
        role = roles_by_alias.get(role_text.lower()) if role_text else StaffMembership.Role.OTHER
        if role is None:
            problems.append(
                _("Unknown role “%(value)s”; use one of: %(roles)s.")
                % {
                    "value": role_text,
                    "roles": ", ".join(str(label) for label in StaffMembership.Role.labels),
                }
            )
        language_text = record.get("language", "")
        language = (
            languages_by_alias.get(language_text.lower()) if language_text else default_language
        )
        if language is None:
            problems.append(
                _("Unknown language “%(value)s”; use one of: %(languages)s.")
                % {
                    "value": language_text,
                    "languages": ", ".join(code for code, _name in settings.LANGUAGES),
                }
            )
        name = record.get("name", "")
        if len(name) > 150:
            problems.append(_("The name is longer than 150 characters."))
        if has_forbidden_characters(name) or has_forbidden_characters(role_text):
            problems.append(str(PLAIN_TEXT_MESSAGE))
        if problems:
            errors.append({"line": line, "email": email, "errors": problems})
        else:
            rows.append(
                ImportRow(
                    line=line,
                    name=name,
                    email=email,
                    role=role or "other",
                    language=language or default_language,
                )
            )
    if errors:
        raise ImportRejected(_("The file was not imported."), errors=errors)
    if not rows:
        raise _rejected(2, _("The file has no people in it."))
    return rows


def members_import(
    *, organisation: Organisation, content: bytes | str, invited_by, default_language: str = ""
) -> ImportResult:
    """Invite everyone in the CSV, all or nothing, each in the row's language (else
    `default_language`). People who already work here or already have an open invitation are
    skipped, so importing the same file twice creates no duplicates."""
    rows = members_csv_parse(content=content, default_language=default_language)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        members = {
            email.lower()
            for email in current_memberships(organisation=organisation).values_list(
                "user__email", flat=True
            )
        }
        open_invitations = set(
            organisation.invitations.filter(accepted_at__isnull=True).values_list(
                "email", flat=True
            )
        )
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    organisation=organisation,
                    email=row.email,
                    full_name=row.name,
                    role=row.role,
                    language=row.language,
                    invited_by=invited_by,
                )
                for row in rows
                if row.email not in members and row.email not in open_invitations
            ]
        )
        ids = [
            pk
            for pk in organisation.invitations.filter(
                email__in=[i.email for i in created], accepted_at__isnull=True
            ).values_list("pk", flat=True)
        ]
        for pk in ids:
            outbox_add(kind=INVITATION_WANTED, payload={"invitation_id": pk})
    already_member = sum(1 for row in rows if row.email in members)
    return ImportResult(
        invited=len(created),
        already_invited=len(rows) - len(created) - already_member,
        already_member=already_member,
    )


def csv_cell(value) -> str:
    """A CSV cell as text, never run as a formula."""
    return spreadsheet_safe("" if value is None else str(value))


def members_export_csv(*, organisation: Organisation) -> str:
    """The member list as CSV in the active language: the import's columns and headers, plus
    the date joined and the training status, so the file can be imported again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_column_label(column) for column in EXPORT_COLUMNS])
    for member in organisation_members(organisation=organisation):
        writer.writerow(
            [
                csv_cell(member_display_name(user=member.user)),
                csv_cell("" if account_deleted(user=member.user) else member.user.email),
                csv_cell(member.get_role_display()),
                csv_cell(member.user.preferred_language),
                csv_cell(timezone.localtime(member.joined_at).date().isoformat()),
                csv_cell(member.member_status_label),
            ]
        )
    return out.getvalue()
