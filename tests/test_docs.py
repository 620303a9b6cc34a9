"""The documentation says only what is true of the repository: its links lead somewhere, the
environment variables of README's configuration table are the ones the settings read (with the
defaults it states), and the commands, Make targets, paths and Python names it gives exist.

Fast and offline: files are read and parsed, nothing is started and no database is used."""

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SETTINGS_DIR = ROOT / "config" / "settings"
#: the Markdown a newcomer reads: README, docs/ (API, ADRs) and the course content format
DOCS = [README, *sorted((ROOT / "docs").rglob("*.md")), ROOT / "courses/content/SCHEMA.md"]
PROJECT_PACKAGES = (
    "accounts",
    "benchmarks",
    "certificates",
    "cms",
    "config",
    "courses",
    "lms",
    "organisations",
    "outbox",
    "reporting",
    "tests",
    "trainings",
)
#: paths the README names as examples of what a step creates, not as files that exist
EXAMPLE_PATHS = {"locale/ro/LC_MESSAGES/django.po"}

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)=["']([^"']+)["']""", re.IGNORECASE)


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans (a link there is not a link)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def code_spans(text: str) -> list[str]:
    """Every inline code span outside fenced blocks."""
    return CODE_SPAN.findall(FENCE.sub("", text))


# --- links ------------------------------------------------------------------------------------


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: markup and punctuation dropped, lower case, spaces
    to hyphens (letters, digits, `_` and `-` of any script are kept)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings; a repeated heading gets -1, -2, …"""
    seen: dict[str, int] = {}
    found = set()
    for match in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", FENCE.sub("", path.read_text()), re.M):
        slug = github_slug(match.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    text = prose(path.read_text())
    links = MD_LINK.findall(text) + HTML_LINK.findall(text)
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:|^//", link, re.I)]


def broken_links(path: Path) -> list[str]:
    broken = []
    for link in relative_links(path):
        target_text, _, anchor = link.partition("#")
        target = (path.parent / target_text).resolve() if target_text else path
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{link}: no heading #{anchor} in {target.name}")
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves(doc):
    assert broken_links(doc) == []


def test_links_of_the_docs_are_found():
    """The link check reads links at all (README links to ADRs, screenshots and the API doc)."""
    files = {link.partition("#")[0] for link in relative_links(README)}
    assert "docs/api.md" in files
    assert any(file.startswith("docs/screenshots/") for file in files)


def test_github_slugs():
    assert github_slug("Configuration (environment)") == "configuration-environment"
    assert github_slug("CPU per request (`request_cost.py`)") == "cpu-per-request-request_costpy"
    assert github_slug("What learners feel (`journeys.py`, Locust)") == (
        "what-learners-feel-journeyspy-locust"
    )


# --- environment variables --------------------------------------------------------------------


def _is_env(node: ast.expr) -> bool:
    """`env` (config.settings.base's `environ.Env()`), or `environ.Env()` itself."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Env"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "environ"
    )


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reads_environment(func: ast.expr) -> bool:
    """`env.str`, `env.bool`, … (any `environ.Env` cast), `os.environ.get` or `os.getenv`."""
    if not isinstance(func, ast.Attribute):
        return False
    if _is_env(func.value):
        return True
    if func.attr == "get" and _is_os_environ(func.value):
        return True
    return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"


def env_reads(path: Path) -> dict[str, list[ast.expr | None]]:
    """Each variable a settings module reads from the environment, with the default of each read
    (None without one): `env.str("X", default=…)` and the other `environ.Env` casts,
    `os.environ.get("X", …)`, `os.environ["X"]`, `os.getenv("X", …)`."""
    reads: dict[str, list[ast.expr | None]] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and _reads_environment(node.func):
            name = _text(node.args[0])
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            default = keywords.get("default", node.args[1] if len(node.args) > 1 else None)
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            name, default = _text(node.slice), None
        else:
            continue
        if name is not None:
            reads.setdefault(name, []).append(default)
    return reads


def settings_env_reads() -> dict[str, list[ast.expr | None]]:
    """Every settings module's reads; base.py's come first (its default is the documented one)."""
    modules = sorted(SETTINGS_DIR.glob("*.py"), key=lambda path: path.name != "base.py")
    reads: dict[str, list[ast.expr | None]] = {}
    for module in modules:
        for name, defaults in env_reads(module).items():
            reads.setdefault(name, []).extend(defaults)
    return reads


def configuration_table(text: str) -> list[tuple[list[str], list[str], str]]:
    """README's "Configuration (environment)" table: per row, the variables of its first
    column, the code spans of its default column (when the default is written as code), and
    the whole row."""
    section = re.search(r"^## Configuration \(environment\)\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README has no '## Configuration (environment)' section"
    rows = []
    for line in section.group(1).splitlines():
        if not line.startswith("|") or re.match(r"^\|[-| :]+\|$", line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        names = CODE_SPAN.findall(cells[0])
        if not names:  # the header row
            continue
        default = cells[1]
        values = CODE_SPAN.findall(default)[: len(names)] if default.startswith("`") else []
        rows.append((names, values, line))
    assert rows, "the configuration table has no rows"
    return rows


def code_default(node: ast.expr | None) -> str | None:
    """A settings default as README would write it, or None when it is computed."""
    if node is None:
        return None
    if isinstance(node, ast.Name):
        return node.id  # another setting, e.g. REDIS_URL
    if isinstance(node, ast.List) and all(isinstance(item, ast.Name) for item in node.elts):
        return ",".join(item.id for item in node.elts)  # type: ignore[attr-defined]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and _is_env(node.func.value)
        and any(k.arg == "default" for k in node.keywords)
    ):
        # `default=env.bool("OLD_NAME", default=True)`: the old name's default
        return code_default(next(k.value for k in node.keywords if k.arg == "default"))
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def env_mismatches(readme_text: str, reads: dict[str, list[ast.expr | None]]) -> list[str]:
    rows = configuration_table(readme_text)
    problems = []
    table_text = "\n".join(line for _names, _values, line in rows)
    documented = {name for names, _values, _line in rows for name in names}
    in_table = set(CODE_SPAN.findall(table_text))
    for name in sorted(documented - set(reads)):
        problems.append(f"{name}: in README's configuration table, read by no settings module")
    for name in sorted(set(reads) - in_table):
        problems.append(f"{name}: read by config/settings/, missing from README's table")
    for names, values, _line in rows:
        for name, value in zip(names, values, strict=False):
            if name not in reads:
                continue
            stated = value.strip()
            actual = code_default(reads[name][0])  # base.py's read when base reads it
            if actual is None:
                continue  # computed in code (a path, another setting's value): prose describes it
            if actual == "" and stated in documented:
                continue  # `X = env.str("X", default="") or OTHER`: README names OTHER
            if stated != actual:
                problems.append(f"{name}: README says the default is {stated!r}, code {actual!r}")
    return problems


def test_configuration_table_matches_the_settings():
    assert env_mismatches(README.read_text(), settings_env_reads()) == []


def test_settings_reads_are_found():
    """The settings parser sees every way the settings read the environment."""
    reads = settings_env_reads()
    for name in ("SECRET_KEY", "DATABASE_URL", "VAR_DIR", "ADMIN_TWO_FACTOR_REQUIRED"):
        assert name in reads
    assert code_default(reads["ALLOWED_HOSTS"][0]) == "localhost,127.0.0.1,[::1]"
    assert code_default(reads["TWO_FACTOR_REQUIRED"][0]) == "true"


# --- commands, Make targets, paths and names ----------------------------------------------------


def mentioned_manage_commands() -> set[str]:
    names = set()
    for doc in DOCS:
        names.update(re.findall(r"manage\.py\s+([a-z][a-z0-9_]*)", doc.read_text()))
    return names


def test_every_manage_command_named_in_the_docs_exists():
    names = mentioned_manage_commands()
    assert {"seed_demo", "load_courses", "reporting_counts_rebuild"} <= names
    assert sorted(names - set(get_commands())) == []


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-zA-Z][\w-]*)\s*:(?!=)", text, re.M))


def test_every_make_target_named_in_the_docs_exists():
    named = set()
    for doc in DOCS:
        for span in code_spans(doc.read_text()):
            named.update(re.findall(r"(?:^|\s)make\s+([a-z][\w-]*)", span))
        for block in re.findall(r"^```(?:sh|bash)?\n(.*?)^```", doc.read_text(), re.M | re.S):
            named.update(re.findall(r"^make\s+([a-z][\w-]*)", block, re.M))
    assert {"run", "test", "lint"} <= named
    assert sorted(named - make_targets()) == []


TOP_LEVEL = tuple(
    sorted(
        {path.name for path in ROOT.iterdir() if not path.name.startswith(".")}
        - {"node_modules", "var"}
    )
)


def readme_paths(text: str) -> set[str]:
    """Repository paths README names in code spans: `lms/selectors.py`, `benchmarks/`, …"""
    paths = set()
    for span in code_spans(text):
        for token in re.split(r"[\s,;()]+", span):
            token = token.rstrip(".:")
            if "/" not in token or token.startswith(("/", ".", "http")) or "=" in token:
                continue
            if re.search(r"[<>{}*…]", token) or token.split("/")[0] not in TOP_LEVEL:
                continue
            paths.add(token)
    return paths


def test_every_path_the_readme_names_exists():
    paths = readme_paths(README.read_text())
    assert {"accounts/mail.py", "tests/factories.py", "config/settings/base.py"} <= paths
    assert sorted(p for p in paths - EXAMPLE_PATHS if not (ROOT / p).exists()) == []


def python_names(text: str) -> set[str]:
    dotted = re.compile(rf"^(?:{'|'.join(PROJECT_PACKAGES)})(?:\.[A-Za-z_]\w*)+$")
    file_name = re.compile(r"\.(py|md|html|txt|csv|json|yaml|css|js)$")  # `reporting.py`
    return {span for span in code_spans(text) if dotted.match(span) and not file_name.search(span)}


def python_name_exists(dotted: str) -> bool:
    """A module (found without importing it: config.settings.production refuses to load
    without a secret), an attribute of one, or an `app_label.Model`."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        module = ".".join(parts[:end])
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        if end == len(parts):
            return True
        target = importlib.import_module(module)
        for attribute in parts[end:]:
            if not hasattr(target, attribute):
                break
            target = getattr(target, attribute)
        else:
            return True
        break
    if len(parts) == 2:
        from django.apps import apps

        try:
            apps.get_model(dotted)
        except LookupError:
            return False
        return True
    return False


@pytest.mark.parametrize("doc", [README, ROOT / "docs/api.md"], ids=["README.md", "docs/api.md"])
def test_every_python_name_the_docs_give_exists(doc):
    names = python_names(doc.read_text())
    assert names, "no Python names found: is the pattern still right?"
    assert sorted(name for name in names if not python_name_exists(name)) == []
