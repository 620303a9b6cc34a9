"""Benchmark of personal certificate rendering (issue 7). Prints figures; asserts nothing.

    uv run python benchmarks/certificates.py [--renders 200] [--memory-renders 5000]

In one warm process (shared FontConfiguration, stylesheet parsed once, static files cached):

- the median and p95 time of one certificate PDF render (template → WeasyPrint → bytes),
  goal <= 70 ms median;
- the median time of rendering the same HTML template without PDF, and the ratio of the two;
- the median render time tagged (PDF/A-3a with a structure tree, the default) against
  untagged (PDF/A-3b), alternated in the same run;
- the growth of the process's resident memory over --memory-renders renders, goal <= 20 MB.

No database is needed: the certificate is an unsaved model instance. The queue side of issue 7
(20,000 certificates through Redis and two worker processes, their memory over 5,000 renders,
pass → stored PDF latency when idle and under a burst of 300) is measured by
benchmarks/certificate_queue.py, which needs PostgreSQL and Redis.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--memory-renders", type=int, default=5000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from certificates import services
    from certificates.codes import code_generate
    from certificates.models import Certificate

    now = timezone.now()

    def certificate(i: int) -> Certificate:
        return Certificate(
            code=code_generate(),
            holder_name=f"Benchmark Deelnemer {i}",
            course_title="BUIT voor professionals",
            language="nl",
            score=Decimal("90.00"),
            issued_at=now,
            expires_at=now + timedelta(days=730),
            status=Certificate.Status.VALID,
        )

    def render_html(cert: Certificate) -> str:
        with translation.override(cert.language):
            return render_to_string(
                services.PDF_TEMPLATE,
                {**services.certificate_pdf_context(cert), "LANGUAGE_CODE": cert.language},
            )

    # warm up: loads Pango, fonts, the stylesheet
    for i in range(5):
        services.certificate_pdf_bytes(certificate=certificate(i))

    pdf_times, html_times = [], []
    for i in range(args.renders):
        cert = certificate(i)
        start = time.perf_counter()
        render_html(cert)
        html_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        content = services.certificate_pdf_bytes(certificate=cert)
        pdf_times.append(time.perf_counter() - start)

    def ms(values, q=None):
        if q is None:
            return statistics.median(values) * 1000
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"renders: {args.renders}, PDF size: {len(content) / 1024:.1f} KiB")
    print(f"PDF render median: {ms(pdf_times):.1f} ms   p95: {ms(pdf_times, 95):.1f} ms")
    print(f"HTML render (same template) median: {ms(html_times):.2f} ms")
    print(f"ratio PDF / HTML: {statistics.median(pdf_times) / statistics.median(html_times):.0f}x")

    # Tagged (PDF/A-3a, the default since issue 21) against untagged (PDF/A-3b), alternated
    # so both see the same machine load.
    def render(cert: Certificate, tagged: bool) -> bytes:
        return services.certificate_pdf_bytes(certificate=cert, tagged=tagged)

    timings: dict[bool, list[float]] = {True: [], False: []}
    for i in range(args.renders):
        for tagged in (True, False):
            start = time.perf_counter()
            render(certificate(i), tagged)
            timings[tagged].append(time.perf_counter() - start)
    tagged_ms, untagged_ms = ms(timings[True]), ms(timings[False])
    print(
        f"tagged PDF/A-3a median {tagged_ms:.1f} ms, untagged PDF/A-3b median "
        f"{untagged_ms:.1f} ms: tagging costs {tagged_ms - untagged_ms:+.1f} ms "
        f"({tagged_ms / untagged_ms:.2f}x)"
    )

    before = rss_mb()
    start = time.perf_counter()
    for i in range(args.memory_renders):
        services.certificate_pdf_bytes(certificate=certificate(i))
    elapsed = time.perf_counter() - start
    after = rss_mb()
    print(
        f"memory: {args.memory_renders} renders in {elapsed:.1f} s "
        f"({args.memory_renders / elapsed:.1f}/s in one process), "
        f"RSS {before:.1f} → {after:.1f} MB (delta {after - before:+.1f} MB)"
    )


if __name__ == "__main__":
    main()
