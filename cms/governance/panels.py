"""The editor's panel of changes not yet approved: the latest draft against the version in force."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import Panel


class UnapprovedChangesPanel(Panel):
    """Shows editors, before they submit, exactly what the board will be asked to approve,
    with the same flags the secretary sees (a changed or disagreeing response period)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Changes not yet approved"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "unapproved_changes"

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/unapproved_changes_panel.html"

        def is_shown(self):
            return bool(getattr(self.instance, "pk", None)) and super().is_shown()

        def get_context_data(self, parent_context=None):
            from wagtail.models import Revision

            from cms.governance.review import revision_review
            from cms.models import PolicyPage

            context = super().get_context_data(parent_context)
            policy = PolicyPage.objects.filter(pk=self.instance.pk).first()
            revision = (
                Revision.objects.filter(pk=policy.latest_revision_id).first() if policy else None
            )
            context["review"] = (
                revision_review(policy=policy, revision=revision) if revision else None
            )
            return context
