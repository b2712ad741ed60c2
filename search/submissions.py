"""Named by `SUBMISSION_SEARCH_BACKEND=search.submissions.DatabaseBackend` in deployments: the
database backend lives in search.index.database."""

from search.index.database import DatabaseBackend

__all__ = ["DatabaseBackend"]
