"""Check the system libraries the platform needs and say what to install when one is missing."""

import ctypes.util
import sys


def main() -> int:
    problems = []
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        problems.append(
            "WeasyPrint cannot load Pango (needed for PDF certificates): "
            f"{exc}.\n  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0\n  macOS: brew install pango"
        )
    if not ctypes.util.find_library("harfbuzz-subset"):
        print(
            "note: libharfbuzz-subset0 is not installed; PDF certificates render about 7x slower."
            "\n  Debian/Ubuntu: sudo apt-get install libharfbuzz-subset0",
            file=sys.stderr,
        )
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
