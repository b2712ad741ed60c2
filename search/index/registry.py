"""The kinds of submission apps want searched. The index knows no app: an app registers each
kind (its model, how one becomes a document, who may see it), and from then on every save or
delete of that model is marked pending in the same transaction and indexed after the commit."""

import dataclasses
from collections.abc import Callable

from django.db.models.signals import post_delete, post_save

from search.index.pending import mark_pending


@dataclasses.dataclass(frozen=True)
class IndexedKind:
    """A kind of submission an app wants searched."""

    slug: str  # stored in the index: never rename
    model: type
    document: Callable[[object], dict]  # one submission -> its index entry (see SubmissionEntry)
    visible_to: Callable[[object], bool]  # whether a user may see this kind at all
    index_name: str  # Elasticsearch: the alias is <SUBMISSION_SEARCH_INDEX_PREFIX>-<index_name>


_indexed: dict[str, IndexedKind] = {}


def register(kind: IndexedKind) -> None:
    """Index this kind: every save or delete of its model is marked pending in the same
    transaction and indexed after the commit."""
    _indexed[kind.slug] = kind

    def changed(sender, instance, **kwargs):
        mark_pending(kind.slug, instance.pk)

    post_save.connect(changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}")
    post_delete.connect(
        changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}-delete"
    )


def indexed_kinds() -> list[str]:
    """The slugs of the kinds registered, in the order they were."""
    return list(_indexed)


def indexed(slug: str) -> IndexedKind:
    """One registered kind (KeyError for an unknown slug)."""
    return _indexed[slug]
