"""A staticfiles finder for the few files the site takes from npm packages (ADR 0005).

Collecting whole `dist` folders would copy megabytes of JSON and JavaScript the site never serves,
and some of their CSS points at files the package does not ship, which the manifest storage of
`make run` refuses. `settings.NPM_STATIC_FILES` names each file: static path -> file on disk."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NpmFilesFinder(BaseFinder):
    def _files(self) -> dict[str, Path]:
        return {name: Path(source) for name, source in settings.NPM_STATIC_FILES.items()}

    def check(self, **kwargs):
        return [
            Error(
                f"{source} is missing; run `npm ci` (make run and make test do).",
                id="config.E001",
            )
            for source in self._files().values()
            if not source.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        source = self._files().get(path)
        if source is None or not source.is_file():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for name, source in self._files().items():
            if not source.is_file():
                continue
            prefix, _sep, _base = name.rpartition("/")
            storage = FileSystemStorage(location=source.parent)
            storage.prefix = prefix  # type: ignore[attr-defined]
            yield source.name, storage
