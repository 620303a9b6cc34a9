"""Import a CSV of outside counts (ADR 0024), as the programme page does: all rows or none."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reporting.services import (
    MAX_OUTSIDE_BYTES,
    OutsideCountsRejected,
    outside_counts_import,
)


class Command(BaseCommand):
    help = (
        "Import a CSV of counts made outside the platform (date, source, count or e-mail "
        "SHA-256, region). Nothing is imported when one row is wrong: every bad row is printed "
        "and the command exits with 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--by", metavar="EMAIL", default="", help="the staff member the import is recorded for"
        )

    def handle(self, *args, path: str, by: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        if file.stat().st_size > MAX_OUTSIDE_BYTES:
            raise CommandError(f"{path}: larger than {MAX_OUTSIDE_BYTES // 1_000_000} MB")
        user = None
        if by:
            user = get_user_model().objects.filter(email__iexact=by).first()
            if user is None:
                raise CommandError(f"no user with e-mail address {by}")
        try:
            imported = outside_counts_import(content=file.read_bytes(), filename=file.name, by=user)
        except OutsideCountsRejected as exc:
            for problem in exc.problems:
                column = f" [{problem.field}]" if problem.field else ""
                self.stderr.write(f"line {problem.line}{column}: {problem.message}")
            raise CommandError(f"{path}: not imported ({len(exc.problems)} problem(s))") from exc
        self.stdout.write(
            f"{file.name}: imported {imported.rows} rows, {imported.total} in total "
            f"(file {imported.pk})"
        )
