"""Named by `SUBMISSION_SEARCH_BACKEND=search.elastic.ElasticsearchBackend` in deployments: the
Elasticsearch backend lives in search.index.elastic."""

from search.index.elastic import ElasticsearchBackend

__all__ = ["ElasticsearchBackend"]
