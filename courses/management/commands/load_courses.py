from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.content_loader import DEFAULT_CONTENT_DIR, ContentError, courses_load


class Command(BaseCommand):
    help = (
        "Create the course pages from the content files (courses/content/*.yaml). Idempotent; "
        "pages an editor changed are left alone unless --update is given. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_CONTENT_DIR,
            help="Folder of content files, or one file (default: courses/content/).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite pages that were changed in Wagtail (a new revision is published).",
        )

    def handle(self, *args, path: Path, update: bool, verbosity: int = 1, **options):
        try:
            with transaction.atomic():
                report = courses_load(path=path, update=update)
        except ContentError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for line in report.skipped:
            self.stderr.write(self.style.WARNING(f"skipped {line}"))
        if verbosity > 1:
            for line in report.created:
                self.stdout.write(f"created {line}")
            for line in report.updated:
                self.stdout.write(f"updated {line}")
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Courses loaded: {len(report.created)} pages created, "
                    f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                    f"{len(report.skipped)} skipped."
                )
            )
