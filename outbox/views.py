"""Stuck work for programme staff: outbox messages older than 15 minutes or given up, and the
tasks that failed recently, with a retry button (ADR 0019)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_celery_results.models import TaskResult

from .models import OutboxMessage
from .registry import label_for
from .selectors import workers_state
from .services import outbox_retry, outbox_stuck

PERMISSION = "outbox.retry_outboxmessage"
SHOWN = 200


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def stuck_work(request):
    stuck = outbox_stuck()
    failed_tasks = TaskResult.objects.filter(status="FAILURE").only(
        "task_name", "date_done", "result"
    )[:50]
    rows = list(stuck.order_by("pk")[:SHOWN])
    for row in rows:
        # the work in the reader's language, and the ids it is about (no personal data)
        row.label = label_for(row.kind)
        row.reference = " · ".join(
            str(value)
            for value in row.payload.values()
            if isinstance(value, int) and not isinstance(value, bool)
        )
    return render(
        request,
        "outbox/stuck.html",
        {
            "rows": rows,
            "workers": workers_state(),
            "total": stuck.count(),
            "shown": SHOWN,
            "failed_tasks": failed_tasks,
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def stuck_work_retry(request, pk: int):
    message = get_object_or_404(OutboxMessage, pk=pk, done_at__isnull=True)
    handed_over = outbox_retry(message=message)
    if handed_over and workers_state().stale:
        messages.warning(
            request,
            _(
                "Handed over to the queue, but the workers are not running: it is done when "
                "they are back."
            ),
        )
    elif handed_over:
        messages.success(request, _("Handed over to the workers again."))
    else:
        messages.warning(
            request,
            _("The queue cannot be reached now; the work will be handed over when it is back."),
        )
    return redirect("outbox_stuck")
