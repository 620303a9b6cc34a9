"""Rebuild the kept counts (ADR 0020) from the raw rows, or check them against a recount."""

from django.core.management.base import BaseCommand, CommandError

from reporting.selectors import kept_counts_check, kept_counts_current, targets_queryset
from reporting.services import target_counts_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild every people target's kept counts from the completions (or only --target "
        "CODE); with --check, compare them with a full recount instead and exit 1 on a "
        "difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--target", action="append", default=[], metavar="CODE")
        parser.add_argument("--check", action="store_true", help="compare, change nothing")
        parser.add_argument(
            "--stale", action="store_true", help="only targets whose definition changed"
        )

    def handle(self, *args, target: list[str], check: bool, stale: bool, **options):
        targets = [t for t in targets_queryset() if t.counts_people]
        if target:
            unknown = sorted(set(target) - {t.code for t in targets})
            if unknown:
                raise CommandError(f"no people target with code {', '.join(unknown)}")
            targets = [t for t in targets if t.code in target]
        differences = 0
        for item in targets:
            if check:
                result = kept_counts_check(target=item)
                current = kept_counts_current(item)
                state = "equal" if result.equal and current else "DIFFERENT"
                if not current:
                    state = "STALE (definition changed; pages recount)"
                differences += state != "equal"
                self.stdout.write(
                    f"{item.code}: kept {result.kept_total}, recounted "
                    f"{result.recounted_total}: {state}"
                )
            elif stale and kept_counts_current(item):
                self.stdout.write(f"{item.code}: current, skipped")
            else:
                people = target_counts_rebuild(target=item)
                self.stdout.write(f"{item.code}: {people} people counted")
        if differences:
            raise CommandError(f"{differences} target(s) differ from a full recount")
