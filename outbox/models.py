"""The transactional outbox: work that must happen after a commit (render a PDF, send an e-mail,
re-evaluate an organisation), written in the same transaction as the change that wants it.

A row is dispatched to Celery after the commit (fast path) and again by the relay when it is not
done a few minutes later (a lost message, a killed worker, a broker that was down). Its handler
is idempotent, so a second run changes nothing; the task marks the row done (ADR 0019)."""

from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def about(self, key: str, value):
        """Messages whose payload holds `key` equal to the integer `value` (an OuterRef too)."""
        return self.annotate(_about=Cast(KT(f"payload__{key}"), models.BigIntegerField())).filter(
            _about=value
        )


class OutboxMessage(models.Model):
    #: the registered handler (outbox.registry), e.g. "certificates.pdf"
    kind = models.CharField(_("kind"), max_length=100)
    #: keyword arguments for the handler: ids and short codes only, never personal data
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    #: last hand-over to the broker by the relay or a retry (the fast path does not write)
    dispatched_at = models.DateTimeField(_("last dispatched"), null=True, blank=True)
    dispatch_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    #: set when the handler failed MAX_ATTEMPTS times: the relay leaves it for a person to retry
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    #: the exception class of the last failure (its message may hold personal data)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        permissions = [("retry_outboxmessage", _("Can see and retry stuck work"))]
        indexes = [
            # the relay and the stuck-work page read only what is not done
            models.Index(
                fields=["created_at"], name="outbox_pending_idx", condition=Q(done_at__isnull=True)
            ),
            models.Index(fields=["kind", "done_at"], name="outbox_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.payload}"

    @property
    def state(self) -> str:
        if self.done_at:
            return "done"
        if self.failed_at:
            return "failed"
        return "pending"


class DoneOnce(models.Model):
    """A piece of once-only work that was done (an e-mail sent), by its key (ids and short
    codes only, never personal data): written in the transaction that does the work, so a
    message run twice (a redelivery, the relay, a retry) does it once (outbox_once)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    done_at = models.DateTimeField(_("done"), default=timezone.now)

    class Meta:
        verbose_name = _("work done once")
        verbose_name_plural = _("work done once")

    def __str__(self) -> str:
        return self.key


class RelayHeartbeat(models.Model):
    """When the relay last ran (one row). The relay is a task that beat sends every minute and a
    worker runs, so an old time means the workers or beat are stopped: the stuck-work page says
    so instead of promising that retried work is on its way."""

    ran_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("relay heartbeat")
        verbose_name_plural = _("relay heartbeats")

    def __str__(self) -> str:
        return f"relay ran at {self.ran_at:%Y-%m-%d %H:%M:%S}"
