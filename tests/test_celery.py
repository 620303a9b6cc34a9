"""The project's Celery task defaults have one home (CELERY_TASK_* in config/settings/base.py):
every task of the project resolves to them unless it says otherwise on purpose."""

from config.celery import app as celery_app

PROJECT_APPS = (
    "accounts",
    "certificates",
    "cms",
    "courses",
    "lms",
    "organisations",
    "outbox",
    "reporting",
    "trainings",
)


def project_tasks() -> dict:
    # what a worker does at start: import every app's tasks module (autodiscovery)
    celery_app.loader.import_default_modules()
    return {
        name: task
        for name, task in celery_app.tasks.items()
        if name.split(".", 1)[0] in PROJECT_APPS
    }


def test_every_project_task_acknowledges_late_and_is_requeued_on_a_lost_worker():
    tasks = project_tasks()
    # autodiscovery found the task modules of every app that has one
    assert {name.split(".", 1)[0] for name in tasks} >= {
        "certificates",
        "organisations",
        "outbox",
        "reporting",
        "trainings",
    }
    assert "outbox.tasks.outbox_message_run" in tasks
    for name, task in tasks.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
        assert task.serializer == "json", name


def test_the_defaults_come_from_the_settings(settings):
    assert celery_app.conf.task_acks_late is settings.CELERY_TASK_ACKS_LATE is True
    assert (
        celery_app.conf.task_reject_on_worker_lost
        is settings.CELERY_TASK_REJECT_ON_WORKER_LOST
        is True
    )
    assert celery_app.conf.task_serializer == settings.CELERY_TASK_SERIALIZER == "json"


def test_tasks_keep_their_own_limits_and_retries():
    """What differs from the defaults stays on the task."""
    tasks = project_tasks()
    issue = tasks["certificates.tasks.certificate_issue"]
    assert (issue.time_limit, issue.soft_time_limit, issue.max_retries) == (120, 100, 5)
    run = tasks["outbox.tasks.outbox_message_run"]
    assert (run.time_limit, run.soft_time_limit, run.ignore_result) == (300, 280, True)
    rebuild = tasks["reporting.tasks.target_counts_rebuild"]
    assert (rebuild.time_limit, rebuild.soft_time_limit) == (3600, 3500)
    sweep = tasks["organisations.tasks.organisations_sweep"]
    assert (sweep.time_limit, sweep.soft_time_limit) == (3600, 3500)


def test_no_task_outlives_the_brokers_visibility_timeout():
    """Redis hands an unacknowledged message (acks_late) to another worker once the visibility
    timeout has passed: a task allowed to run longer would then run twice at once."""
    from django.conf import settings

    visibility = settings.REDIS_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for name, task in project_tasks().items():
        limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        assert limit < visibility, name
