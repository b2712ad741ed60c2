"""Building the site index from everything the public can find, and catching up what
Elasticsearch missed while it was away."""

from wagtail.models import Site

from search.index import site as site_index
from search.site import documents


def rebuild_site_index() -> int:
    """Index every policy, question, page and service again; forget what is gone."""
    return site_index.rebuild(documents.all_documents())


def missing_documents() -> int:
    """How many documents the public can find are not in the index (e.g. after a migration
    that changed the index's shape emptied it)."""
    indexed = set(site_index.indexed_keys())
    return sum(1 for document in documents.all_documents() if document.key not in indexed)


def index_services() -> None:
    """The service pages are in the code, not the database: indexed after every migrate."""
    site_index.index_documents(
        documents.service_documents(Site.objects.values_list("pk", flat=True))
    )


def catch_up() -> int:
    """Send Elasticsearch the documents it missed (marked stale), from the database's truth."""
    stale = set(site_index.stale_keys(limit=100_000))
    if not stale:
        return 0
    missed = [document for document in documents.all_documents() if document.key in stale]
    site_index.index_documents(missed)
    gone = stale - {document.key for document in missed}
    if gone:
        site_index.remove_documents(sorted(gone))
    return len(stale)
