"""Score site search against a judged query set: mean reciprocal rank and recall@5."""

from dataclasses import dataclass

from django.db import connection
from django.utils import translation

from search.site.ranking import search_site


@dataclass
class Score:
    language: str
    backend: str
    queries: int
    mrr: float
    recall_at_5: float
    misses: list[str]


def score(judged: list[tuple[str, list[str]]], *, language: str) -> Score:
    reciprocal_ranks, recalls, misses = [], [], []
    with translation.override(language):
        for query, expected in judged:
            keys = [result.key for result in search_site(query)]
            rank = next((i + 1 for i, key in enumerate(keys) if key in expected), None)
            reciprocal_ranks.append(1 / rank if rank else 0.0)
            top = set(keys[:5])
            recalls.append(len(top & set(expected)) / len(expected))
            if rank is None or rank > 5:
                misses.append(query)
    count = len(judged)
    return Score(
        language=language,
        backend=connection.vendor,
        queries=count,
        mrr=round(sum(reciprocal_ranks) / count, 3),
        recall_at_5=round(sum(recalls) / count, 3),
        misses=misses,
    )


@dataclass
class RankingScore:
    mrr: float
    recall_at_10: float
    misses: list


def score_ranking(results: list[tuple[str, list, object]]) -> "RankingScore":
    """Mean reciprocal rank and recall@10 of (query, ranked ids, wanted id) triples."""
    reciprocal, found, misses = 0.0, 0, []
    for query, ranked, wanted in results:
        if wanted in ranked[:10]:
            found += 1
        if wanted in ranked:
            reciprocal += 1 / (ranked.index(wanted) + 1)
        else:
            misses.append(query)
    count = len(results) or 1
    return RankingScore(mrr=reciprocal / count, recall_at_10=found / count, misses=misses)
