"""The kinds of submission apps want searched. The index knows no app: an app registers each
kind (its model, how one becomes a document, who may see it), and from then on every save or
delete of that model is marked pending in the same transaction and indexed after the commit."""

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace

from django.db.models.signals import post_delete, post_save

from search.index.pending import mark_pending, pending_written


@dataclasses.dataclass(frozen=True)
class IndexedKind:
    """A kind of submission an app wants searched."""

    slug: str  # stored in the index: never rename
    model: type
    document: Callable[[object], dict]  # one submission -> its index entry (see SubmissionEntry)
    visible_to: Callable[[object], bool]  # whether a user may see this kind at all
    index_name: str  # Elasticsearch: the alias is <SUBMISSION_SEARCH_INDEX_PREFIX>-<index_name>
    # The attributes `document` reads, when they are all it reads: a rebuild then reads those
    # columns as plain rows, not model instances. Empty: it reads instances.
    columns: tuple[str, ...] = ()

    def rows(self, queryset) -> list:
        """The submissions of `queryset` as `document` takes them: rows holding only
        `columns` when every one is a column of the model or no attribute of it at all (then
        `document`'s default applies, as on an instance), else model instances."""
        fields = {field.attname for field in self.model._meta.concrete_fields}
        if not self.columns or any(
            name not in fields and name != "pk" and hasattr(self.model, name)
            for name in self.columns
        ):
            return list(queryset)
        pk = self.model._meta.pk.attname
        read = [pk, *(name for name in self.columns if name in fields and name != pk)]
        return [SimpleNamespace(pk=row[pk], **row) for row in queryset.values(*read)]


_indexed: dict[str, IndexedKind] = {}


def register(kind: IndexedKind) -> None:
    """Index this kind: every save or delete of its model is marked pending in the same
    transaction and indexed after the commit."""
    _indexed[kind.slug] = kind

    def changed(sender, instance, search_pending_written=False, **kwargs):
        # a writer that bypasses save() may write the mark in its own statement and say so
        if search_pending_written:
            pending_written()
        else:
            mark_pending(kind.slug, instance.pk)

    post_save.connect(changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}")
    post_delete.connect(
        changed, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.slug}-delete"
    )


def indexed_slug(model) -> str | None:
    """The slug `model` is indexed under, or None when no app registered it."""
    return next((kind.slug for kind in _indexed.values() if kind.model is model), None)


def indexed_kinds() -> list[str]:
    """The slugs of the kinds registered, in the order they were."""
    return list(_indexed)


def indexed(slug: str) -> IndexedKind:
    """One registered kind (KeyError for an unknown slug)."""
    return _indexed[slug]
