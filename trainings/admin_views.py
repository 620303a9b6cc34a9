"""The Wagtail admin views of training sessions, limited to the sessions a person may manage.

Wagtail checks permissions per model: with "change training session" an organiser could open
any session. Every view of one session (edit, copy, delete, usage, history, inspect) therefore
loads it through `selectors.sessions_for_admin`; another organiser's session is a 404, so ids
are not confirmed. The session chooser lists and returns only those sessions too."""

from django.http import Http404
from wagtail.snippets.views import chooser, snippets

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
    pass


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


class SessionChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return sessions_for_admin(user=self.request.user).get(pk=pk)


class SessionChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return sessions_for_admin(user=self.request.user).filter(pk__in=pks)


class SessionChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = SessionChooseView
    choose_results_view_class = SessionChooseResultsView
    chosen_view_class = SessionChosenView
    chosen_multiple_view_class = SessionChosenMultipleView
