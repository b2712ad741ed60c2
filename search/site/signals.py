"""Keep the site index following the content: publishing, unpublishing, moving or deleting a
page, saving or deleting a question, recording an approval, editing synonyms, adding or removing
an association (its service pages)."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished

from cms.models import FAQ, BoardApproval, ContentPage, PolicyPage
from search.index import site as index
from search.models import SynonymSet
from search.site import documents


def reindex_page(page) -> None:
    page = page.specific
    if isinstance(page, PolicyPage):
        policy = PolicyPage.objects.filter(pk=page.pk).live().public().first()
        if policy is not None and policy.current_version is not None:
            index.index_documents([documents.policy_document(policy)])
        else:
            index.remove_documents([documents.policy_key(page)])
    elif isinstance(page, ContentPage):
        if page.live:
            index.index_documents([documents.page_document(page)])
        else:
            index.remove_documents([f"page:{page.pk}"])


@receiver(page_published)
def _published(sender, instance, **kwargs):
    reindex_page(instance)


@receiver(page_unpublished)
def _unpublished(sender, instance, **kwargs):
    reindex_page(instance)


@receiver(pre_delete, sender=Page)
@receiver(pre_delete, sender=PolicyPage)
@receiver(pre_delete, sender=ContentPage)
def _page_deleted(sender, instance, **kwargs):
    specific = instance.specific_class
    if specific is PolicyPage:
        index.remove_documents([documents.policy_key(instance)])
    elif specific is ContentPage:
        index.remove_documents([f"page:{instance.pk}"])


@receiver(post_save, sender=BoardApproval)
def _approval_recorded(sender, instance, **kwargs):
    reindex_page(instance.policy)


@receiver(post_save, sender=FAQ)
def _faq_saved(sender, instance, **kwargs):
    index.index_documents([documents.faq_document(instance)])


@receiver(post_delete, sender=FAQ)
def _faq_deleted(sender, instance, **kwargs):
    index.remove_documents([documents.document_key("faq", instance.site_id, instance.slug)])


@receiver(post_save, sender=SynonymSet)
@receiver(post_delete, sender=SynonymSet)
def _synonyms_changed(sender, instance, **kwargs):
    index.forget_synonyms(instance.site_id)


@receiver(post_save, sender=Site)
def _site_saved(sender, instance, created, **kwargs):
    if created:
        index.index_documents(documents.service_documents([instance.pk]))
    else:
        index.forget_results()  # its host or port may have changed: results name its links


@receiver(pre_delete, sender=Site)
def _site_deleted(sender, instance, **kwargs):
    index.forget_association(instance.pk)
