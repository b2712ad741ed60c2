"""Template tags of the approval step: the review of a revision against the version in force."""

from django import template

register = template.Library()


@register.simple_tag
def revision_review(page, revision):
    """The full review of `revision` of a policy (cms.governance.review), or None."""
    from cms.governance.review import revision_review as review
    from cms.models import PolicyPage

    policy = getattr(page, "specific", page)
    if not isinstance(policy, PolicyPage) or revision is None:
        return None
    return review(policy=policy, revision=revision)
