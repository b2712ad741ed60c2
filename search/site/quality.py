"""Score site search against judged queries: nDCG@10, mean reciprocal rank and recall@5."""

import math
from dataclasses import dataclass

from django.db import connection
from django.utils import translation

from search.site.ranking import search_keys


@dataclass
class Score:
    language: str
    backend: str
    queries: int
    ndcg_at_10: float
    mrr: float
    recall_at_5: float
    misses: list[str]


def ndcg(keys: list[str], expected: list[str], *, at: int = 10) -> float:
    """Binary-relevance nDCG: every expected key is equally good."""
    gains = sum(1 / math.log2(rank + 2) for rank, key in enumerate(keys[:at]) if key in expected)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(expected), at)))
    return gains / ideal if ideal else 0.0


def score(judged: list[tuple[str, list[str]]], *, language: str) -> Score:
    reciprocal_ranks, recalls, gains, misses = [], [], [], []
    with translation.override(language):
        for query, expected in judged:
            keys = search_keys(query)
            rank = next((i + 1 for i, key in enumerate(keys) if key in expected), None)
            reciprocal_ranks.append(1 / rank if rank else 0.0)
            recalls.append(len(set(keys[:5]) & set(expected)) / len(expected))
            gains.append(ndcg(keys, expected))
            if rank is None or rank > 3:
                misses.append(query)
    count = len(judged) or 1
    return Score(
        language=language,
        backend=connection.vendor,
        queries=len(judged),
        ndcg_at_10=round(sum(gains) / count, 3),
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
