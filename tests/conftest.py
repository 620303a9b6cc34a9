import os
import smtplib
import subprocess
import sys
import time
import uuid
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings

from tests.factories import UserFactory

# Hypothesis fails an example that takes longer than 200 ms by default: a wall-clock assert,
# which a busy CI machine trips (a breakdown rule's example once took 270 ms). No time limit.
hypothesis.settings.register_profile("stm", deadline=None)
hypothesis.settings.load_profile("stm")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; before it drops them, the sessions left open on them are
    ended (connection objects that a live server or a thread made and never closed; a session
    fixture such as the live server can be torn down after the databases). Otherwise the drop
    fails ("is being accessed by other users") and leaves the database behind."""
    from django.db import connections

    yield
    with django_db_blocker.unblock():
        for alias in connections:
            if connections[alias].vendor != "postgresql":
                continue
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup, django_db_blocker) -> dict[str, str]:
    """The rows migrations create (Wagtail root and home pages, locales, role groups), serialized
    while the test database is still as migrate left it."""
    from django.db import connections

    with django_db_blocker.unblock():
        rows = {
            alias: getattr(connections[alias], "_test_serialized_contents", None)
            or connections[alias].creation.serialize_db_to_string()
            for alias in connections
        }
    _MIGRATED_ROWS.update(rows)
    return rows


#: filled by the `_migrated_rows` fixture; read by the teardown hook below
_MIGRATED_ROWS: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the migrated rows back at once when a
    non-transactional test follows on this process (pytest-xdist mixes files), so it never sees
    an empty database. A transactional test that follows gets them from Django's serialized
    rollback as it starts (or from `_transactional_tests_start_migrated`): restoring them here
    too wrote every row twice, a second per transactional test."""
    yield
    # Without a next test the session ends: the test database is gone by now and the connection
    # points at the real one again, which must not be touched.
    if nextitem is None or not _MIGRATED_ROWS or not _item_is_transactional(item):
        return
    if _item_is_transactional(nextitem):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key
    from wagtail.models import Locale

    with item.config.stash[blocking_manager_key].unblock():
        if not Locale.objects.exists():
            for alias, contents in _MIGRATED_ROWS.items():
                connections[alias].creation.deserialize_db_from_string(contents)


def _item_is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def _is_transactional(request) -> bool:
    return _item_is_transactional(request.node)


def pytest_collection_modifyitems(config, items):
    """Every transactional test uses serialized rollback (see below)."""
    for item in items:
        if _item_is_transactional(item):
            marker = item.get_closest_marker("django_db")
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            kwargs["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _transactional_tests_start_migrated(request):
    """The one fixture that restores the migrated rows (the e2e tests rely on it too).

    A transactional test ends with a flush, which empties every table. Every transactional test
    therefore uses serialized rollback (Django puts the migrated rows back and skips the
    post_migrate handlers on the flush, whose re-created rows would collide with them). Django
    does that only through the connection object that holds the serialized rows, and a live
    server under Playwright's event loop gets fresh connection objects: so the current
    connections are given the rows before and after the test, and the rows are restored here
    when Django did not. So every test starts from the migrated database whatever ran before."""
    if not _is_transactional(request):
        yield
        return
    rows = request.getfixturevalue("_migrated_rows")
    request.getfixturevalue("transactional_db")
    from django.db import connections
    from wagtail.models import Locale

    for alias, contents in rows.items():
        connections[alias]._test_serialized_contents = contents
    if not Locale.objects.exists():
        for alias, contents in rows.items():
            connections[alias].creation.deserialize_db_from_string(contents)
    yield
    for alias, contents in rows.items():
        connections[alias]._test_serialized_contents = contents


class RefusingMailServer:
    """An e-mail backend whose mail server does not answer (what smtplib raises when it refuses
    the connection); use the `mail_server_down` fixture."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def mail_server_down(settings):
    """Mail cannot be sent until the test sets `mail_server_down.EMAIL_BACKEND` back to the
    locmem backend (the fixture yields the settings)."""
    settings.EMAIL_BACKEND = "tests.conftest.RefusingMailServer"
    return settings


def password_confirmed(client, password: str | None = None) -> None:
    """The signed-in person of `client` confirms their password, as allauth asks before the
    account's sensitive actions (data download, deletion, API tokens, e-mail addresses)."""
    from django.urls import reverse

    from tests.factories import PASSWORD

    response = client.post(reverse("account_reauthenticate"), {"password": password or PASSWORD})
    assert response.status_code == 302, "the password check did not pass"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def manager(db):
    """A person with the organisation-manager role (no organisation yet)."""
    from accounts import roles

    return UserFactory(role=roles.ORGANISATION_MANAGER)


@pytest.fixture
def organisation(manager):
    """A registered establishment of `manager` (tests/organisations overrides it with one that
    counts a hotel course)."""
    from organisations.services import registration

    return registration.organisation_register(
        user=manager, name="Hotel Zuid", municipality="Utrecht", declared_staff=5
    )


def _database_url_for_test_db() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("a live Celery worker needs PostgreSQL (set DATABASE_URL)")
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def celery_worker_spawn(
    queue: str, *, hostname: str, stdout=subprocess.DEVNULL, env: dict | None = None
):
    """A Celery worker process (two pool processes) on `queue` of the real Redis broker (or the
    one `env` names), using the test database; in a process group of its own, so a SIGKILL of
    the group takes the main process and its pool."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TEST_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **(env or {}),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=2",
            "-Q",
            queue,
            f"--hostname={hostname}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on the real Redis broker, using the test database.

    Each test gets its own queue name so parallel test processes never steal each other's
    tasks. Tests using it must use committed data (transactional_db)."""
    if not settings.REDIS_URL:
        pytest.skip("a live Celery worker needs Redis (set REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc = celery_worker_spawn(queue, hostname=queue, stdout=subprocess.PIPE)
    from config.celery import app

    app.conf.task_default_queue = queue
    try:
        # the first ping the worker answers; how long start-up took is printed (and kept with
        # the test's captured output)
        wait_for(
            lambda: (
                _worker_exited(proc)
                or app.control.inspect(
                    destination=[f"{queue}@{os.uname().nodename}"], timeout=1
                ).ping()
            ),
            what=f"the worker on {queue} to answer a ping",
        )
        yield proc
    finally:
        app.conf.task_default_queue = "celery"
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _worker_exited(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        raise RuntimeError(f"celery worker exited: {proc.stdout.read() if proc.stdout else ''}")


#: How long a test waits for what a live worker, a browser or another thread brings about. The
#: wait ends as soon as the condition holds, so the deadline is generous: CI on a busy 2-core
#: machine once failed because seven tests' worker did not answer a ping within a fixed 60 s.
#: TEST_DEADLINE (seconds) overrides it.
DEADLINE = float(os.environ.get("TEST_DEADLINE", "600"))


def wait_for(
    predicate,
    *,
    timeout: float = DEADLINE,
    interval: float = 0.2,
    what: str = "the condition",
):
    """Poll until `predicate()` is truthy and return that value; print how long it took (pytest
    shows it with a failing test's output, and with -rP)."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        result = predicate()
        if result:
            print(f"waited {time.monotonic() - started:.1f} s for {what}")
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not met within {timeout:.0f} s")
        time.sleep(interval)


def task_result(result):
    """The return value of a task the live worker runs, waited for up to DEADLINE; prints how
    long it took."""
    started = time.monotonic()
    value = result.get(timeout=DEADLINE)
    print(f"waited {time.monotonic() - started:.1f} s for task {result.id}")
    return value


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts (and ends) in the default language: Django's LocaleMiddleware activates
    the address's language for the rest of the thread, so a request to a /pl/ address served
    in-process would otherwise give the next test's `reverse()` a /pl/ prefix."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty in-process caches: a rate-limit window filled by one test
    (e.g. the sign-up confirmation mail's) or a lesson body cached under a revision id that
    SQLite hands out again after a rollback must not reach the next test. Only the test
    settings' local-memory caches are cleared; a test that points a cache at Redis cleans up
    its own database."""
    from django.conf import settings
    from django.core.cache import caches

    def clear() -> None:
        for alias, config in settings.CACHES.items():
            if config["BACKEND"].endswith("LocMemCache"):
                caches[alias].clear()

    clear()
    yield
    clear()
