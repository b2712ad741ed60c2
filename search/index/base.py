"""The interface every submission-search backend implements, and the backend the settings
choose (`SUBMISSION_SEARCH_BACKEND`)."""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from search.index.query import SubmissionQuery, SubmissionResults


class Backend:
    """The interface. `index` and `remove` take documents from `document()`."""

    name = "base"

    def index(self, documents: list[dict]) -> None:
        raise NotImplementedError

    def remove(self, kind: str, object_ids: list[int]) -> None:
        raise NotImplementedError

    def search(self, query: SubmissionQuery) -> SubmissionResults:
        raise NotImplementedError

    def count(self, kind: str) -> int:
        raise NotImplementedError

    # A rebuild writes into a fresh target and switches to it at the end (no downtime).
    def rebuild_start(self) -> str:
        return ""

    def rebuild_index(self, target: str, documents: list[dict]) -> None:
        self.index(documents)

    def rebuild_finish(self, target: str, kinds_ids: dict[str, set[int]] | None = None) -> None:
        """Switch to `target`; the database backend drops entries of deleted submissions."""

    def outdated(self) -> bool:
        """Whether the index was built from an older definition (a rebuild makes it anew)."""
        return False

    def prune(self) -> int:
        """Forget what no submission holds any more; returns how much. Nothing by default."""
        return 0


@lru_cache(maxsize=4)
def _backend(path: str) -> Backend:
    return import_string(path)()


def get_backend() -> Backend:
    return _backend(settings.SUBMISSION_SEARCH_BACKEND)
