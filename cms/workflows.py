"""What finishing a workflow does (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).

Wagtail imports this while its own models load, so model imports stay inside the function.
"""


def finish_workflow(workflow_state, user=None):
    """Publish the revision the last task approved, not whatever is latest.

    For a policy that is the revision bound to the board's approval; the page's own save()
    refuses anything else, so a workflow without a recorded approval cannot publish a policy.
    """
    from wagtail.workflows import publish_workflow_state

    from cms.models.policies import PolicyPage

    if issubclass(workflow_state.content_type.model_class(), PolicyPage):
        revision = workflow_state.current_task_state.revision
        revision.publish(user=user, skip_permission_checks=True)
        return
    publish_workflow_state(workflow_state, user=user)
