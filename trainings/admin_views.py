"""The Wagtail admin views of training sessions, limited to the sessions a person may manage.

Wagtail checks permissions per model: with "change training session" an organiser could open
any session. Every view of one session (edit, copy, delete, usage, history, inspect) therefore
loads it through `selectors.sessions_for_admin`; another organiser's session is a 404, so ids
are not confirmed. The session chooser lists and returns only those sessions too."""

from django.http import Http404
from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views import chooser, snippets

from accounts.api_schema import id_from_text

from . import services
from .errors import TrainingError
from .selectors import sessions_for_admin


class OwnSessionMixin:
    """For a view of one session: 404 unless the session is one the person may manage."""

    def get_object(self, *args, **kwargs):
        session = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if getattr(self, "_scoped_pk", None) != session.pk:
            if not sessions_for_admin(user=self.request.user).filter(pk=session.pk).exists():  # type: ignore[attr-defined]
                raise Http404
            self._scoped_pk = session.pk
        return session


class SessionEditView(OwnSessionMixin, snippets.EditView):
    """Saving goes through the services in the save's transaction: the session row is locked
    first, then session_changed refuses too few places and fills new ones from the waiting
    list."""

    def save_instance(self):
        before = services.session_lock(session=self.object)
        session = super().save_instance()
        services.session_changed(before=before, session=session)
        return session

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except TrainingError as error:  # raised inside the save's transaction: nothing saved
            field = "capacity" if error.code == "capacity_below_registered" else None
            form.add_error(field, error.message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class SessionCopyView(OwnSessionMixin, snippets.CopyView):
    pass


class SessionDeleteView(OwnSessionMixin, snippets.DeleteView):
    pass


class SessionUsageView(OwnSessionMixin, snippets.UsageView):
    pass


class SessionHistoryView(OwnSessionMixin, snippets.HistoryView):
    pass


class SessionInspectView(OwnSessionMixin, snippets.InspectView):
    pass


# The chooser (a session picked in another form) lists and returns only those sessions as well.


class SessionChooseView(chooser.ChooseView):
    def get_object_list(self):
        return sessions_for_admin(user=self.request.user)


class SessionChooseResultsView(chooser.ChooseResultsView):
    def get_object_list(self):
        return sessions_for_admin(user=self.request.user)


# The chooser's ids come from the address (`<str:pk>`, `?id=`): one that is no id is a
# session not found (Wagtail's 404), never a server error.


class SessionChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return sessions_for_admin(user=self.request.user).get(pk__in=_ids([pk]))


class SessionChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return sessions_for_admin(user=self.request.user).filter(pk__in=_ids(pks))


def _ids(values) -> list[int]:
    return [pk for pk in map(id_from_text, values) if pk is not None]


class SessionChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = SessionChooseView
    choose_results_view_class = SessionChooseResultsView
    chosen_view_class = SessionChosenView
    chosen_multiple_view_class = SessionChosenMultipleView


class YesNoColumn(BooleanColumn):
    """A yes/no field as a tick or cross whose text is "yes"/"no" in the reader's language
    (Wagtail's own cell says "True"/"False"); headed by the field's verbose name."""

    cell_template_name = "trainings/admin/yes_no_cell.html"

    def __init__(self, model, name: str, **kwargs):
        kwargs.setdefault("label", capfirst(model._meta.get_field(name).verbose_name))
        super().__init__(name, **kwargs)
