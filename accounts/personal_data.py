"""Registry of personal-data exporters. Each app registers a callable in its AppConfig.ready
so the export gathers everything without accounts importing the apps above it."""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], dict[str, Any]]
_exporters: dict[str, Exporter] = {}


def register(section: str, exporter: Exporter) -> None:
    _exporters[section] = exporter


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)
