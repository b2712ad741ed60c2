"""The chooser of submissions (a modal other admin forms could open), limited to the roles that
may see the kind and to what the inbox would list."""

from django.shortcuts import get_object_or_404

from wagtail.snippets.views import chooser as snippet_chooser

from forms.admin.views import forbidden
from forms.casework import registry, selectors


class SubmissionChooserMixin:
    """Snippet choosers list every row to anyone in the admin; a submission's chooser is for the
    roles that may see its kind, and lists only what the inbox would."""

    def dispatch(self, request, *args, **kwargs):
        if not registry.of(self.model_class).can_view(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return selectors.submissions_for(self.request.user, registry.of(self.model_class))

    def get_object(self, pk):
        return get_object_or_404(self.get_object_list(), pk=pk)

    def get_objects(self, pks):
        # Several chosen at once: only those the inbox would list (the host association's).
        return self.get_object_list().filter(pk__in=pks)


class SubmissionChooseView(SubmissionChooserMixin, snippet_chooser.ChooseView):
    pass


class SubmissionChooseResultsView(SubmissionChooserMixin, snippet_chooser.ChooseResultsView):
    pass


class SubmissionChosenView(SubmissionChooserMixin, snippet_chooser.SnippetChosenView):
    pass


class SubmissionChosenMultipleView(
    SubmissionChooserMixin, snippet_chooser.SnippetChosenMultipleView
):
    pass


class SubmissionCreateView(SubmissionChooserMixin, snippet_chooser.SnippetCreateView):
    pass


class SubmissionChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = SubmissionChooseView
    choose_results_view_class = SubmissionChooseResultsView
    chosen_view_class = SubmissionChosenView
    chosen_multiple_view_class = SubmissionChosenMultipleView
    create_view_class = SubmissionCreateView
