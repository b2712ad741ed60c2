"""Background work of the content app (Django's tasks API)."""

from django_tasks import task


@task()
def make_approval_archive(approval_id: int) -> str:
    """Make the archival PDF of a recorded approval (after its transaction committed)."""
    from cms.governance.archive import approval_archive_create
    from cms.models import BoardApproval

    approval = BoardApproval.objects.select_related("policy", "term", "revision").get(
        pk=approval_id
    )
    return approval_archive_create(approval=approval).sha256
