"""Every saved or deleted submission is marked pending for the index in the same transaction."""

from django.db.models.signals import post_delete, post_save


def _changed(sender, instance, **kwargs):
    from search.submissions import mark_pending

    mark_pending(instance)


def connect() -> None:
    from forms.models import HelpRequest, VolunteerApplication

    for model in (HelpRequest, VolunteerApplication):
        post_save.connect(_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"search-{model.__name__}-del")
