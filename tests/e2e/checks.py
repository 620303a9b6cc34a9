"""In-browser checks shared by the accessibility tests and the journeys (axe-core, headings,
focus, touch targets, reflow, page weight)."""

import gzip
from itertools import pairwise

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MAX_PAGE_BYTES = 200_000
MIN_TARGET_PX = 44
_axe = Axe()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations, one readable line per element."""
    results = _axe.run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        f"{node['target']} {node['html'][:160]}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def heading_problems(page) -> list[str]:
    """One h1 first, and no skipped levels (h2 -> h4)."""
    levels = page.evaluate(
        """() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
            .filter(h => h.checkVisibility())
            .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""
    )
    problems = []
    if not levels or levels[0][0] != 1:
        problems.append(f"the first heading is not an h1: {levels[:1]}")
    if sum(1 for level, _ in levels if level == 1) != 1:
        problems.append(f"expected exactly one h1: {[t for lvl, t in levels if lvl == 1]}")
    for (previous, _), (level, text) in pairwise(levels):
        if level > previous + 1:
            problems.append(f"h{previous} followed by h{level} ({text!r})")
    return problems


def broken_heading_words(page) -> list[str]:
    """Words of a visible heading split over two lines ("Programmadashboar / d"): the heading is
    too big for the screen. A break at a hyphen is a word's own break and not counted. (The
    test browser has no hyphenation dictionary, so any split is one that `overflow-wrap` made.)"""
    return page.evaluate(
        r"""() => {
            const broken = [];
            for (const heading of document.querySelectorAll('h1, h2, h3')) {
                if (!heading.checkVisibility()) continue;
                const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const match of node.data.matchAll(/[^\s\-\u2010\u00ad]+/g)) {
                        const range = document.createRange();
                        range.setStart(node, match.index);
                        range.setEnd(node, match.index + match[0].length);
                        const lines = new Set(Array.from(range.getClientRects())
                            .filter(r => r.width > 0).map(r => Math.round(r.top)));
                        if (lines.size > 1) broken.push(`${heading.tagName}: ${match[0]}`);
                    }
                }
            }
            return broken;
        }"""
    )


def unfocusable_outline_problems(page) -> list[str]:
    """Every element reachable with Tab shows a visible focus indicator (outline or ring).

    One real Tab press puts Chromium in keyboard mode, so focusing the other elements from
    script matches :focus-visible just as tabbing to them would."""
    page.keyboard.press("Tab")
    return page.evaluate(
        """() => {
            const selector = 'a[href], button, input:not([type=hidden]), select, textarea, '
                + 'summary, [tabindex]:not([tabindex="-1"])';
            const problems = [];
            for (const el of document.querySelectorAll(selector)) {
                if (el.disabled || !el.checkVisibility()) continue;
                el.focus();
                if (document.activeElement !== el) continue;
                const style = getComputedStyle(el);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
                const ring = style.boxShadow && style.boxShadow !== 'none';
                if (!el.matches(':focus-visible') || !(outline || ring)) {
                    problems.push('no visible focus indicator on ' + el.outerHTML.slice(0, 120));
                }
            }
            return problems;
        }"""
    )


def small_target_problems(page) -> list[str]:
    """Buttons, form controls, button links and navigation links are at least 44 x 44 px."""
    return page.evaluate(
        """(min) => Array.from(document.querySelectorAll(
                'button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
                + ' .utrecht-button-link, .site-nav a'))
            .filter(el => el.checkVisibility())
            .map(el => [el.outerHTML.slice(0, 100), el.getBoundingClientRect()])
            .filter(([_, r]) => r.height < min - 0.5 || r.width < min - 0.5)
            .map(([html, r]) => `${Math.round(r.width)}x${Math.round(r.height)} ${html}`)""",
        MIN_TARGET_PX,
    )


def horizontal_overflow(page, width: int = 320) -> int:
    """How many CSS pixels the page is wider than a `width`-pixel screen (0 = reflows)."""
    page.set_viewport_size({"width": width, "height": 640})
    return page.evaluate("(w) => Math.max(0, document.documentElement.scrollWidth - w)", width)


class PageWeight:
    """Bytes a page costs over the network: HTML as sent, CSS/JS/SVG gzip-compressed as
    WhiteNoise serves them in production (CompressedManifestStaticFilesStorage), images and
    everything else as sent."""

    COMPRESSED_TYPES = ("text/css", "javascript", "image/svg+xml")

    def __init__(self, page):
        self.responses = []
        page.on("response", lambda response: self.responses.append(response))

    def total(self) -> tuple[int, list[tuple[str, int]]]:
        parts = []
        for response in self.responses:
            if response.status in (301, 302, 303, 304, 307, 308):
                continue
            body = response.body()
            content_type = response.headers.get("content-type", "")
            size = (
                len(gzip.compress(body, compresslevel=9))
                if any(t in content_type for t in self.COMPRESSED_TYPES)
                else len(body)
            )
            parts.append((response.url, size))
        return sum(size for _, size in parts), parts


def render_blocking_scripts(page) -> list[str]:
    """Scripts that stop the first render: external scripts without defer/async/module, and
    inline scripts in the head."""
    return page.evaluate(
        """() => Array.from(document.scripts)
            .filter(s => s.type !== 'module' && !(s.src && (s.defer || s.async))
                         && (s.src || s.closest('head')))
            .map(s => s.outerHTML.slice(0, 120))"""
    )
