"""From what a reader types to the query the site index is asked, on every backend: each word
with its stems, its root and the stems of the association's synonyms; a word no document holds
(a typo) also standing for the indexed words it looks like; and the "did you mean" offered when
the query finds nothing."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from search.index.site_base import QueryWord, SiteQuery
from search.models import SiteTerm, SiteWord, SynonymSet
from search.text.analysis import ROOT_MARK, words, written_words
from search.text.fuzzy import looks_like, trigram_similarity

SYNONYM_WEIGHT = 0.8
FUZZY_WEIGHT = 0.6
SYNONYMS_CACHE_KEY = "search:site:synonyms:{site}"


# --- synonyms ----------------------------------------------------------------------------------


def synonym_sets(site_id: int | None) -> list[list[tuple[str, ...]]]:
    """Each of an association's synonym sets as the stems of its words (cached; saving a set
    clears the cache). Without an association, none."""
    if site_id is None:
        return []
    cache_key = SYNONYMS_CACHE_KEY.format(site=site_id)
    sets = cache.get(cache_key)
    if sets is None:
        sets = []
        for synonym_set in SynonymSet.all_sites.filter(site_id=site_id):
            stems = [
                analysed.stems for entry in synonym_set.word_list() for analysed in words(entry)[:1]
            ]
            if len(stems) >= 2:
                sets.append(stems)
        cache.set(cache_key, sets, 600)
    return sets


def forget_synonyms(site_id: int | None) -> None:
    cache.delete(SYNONYMS_CACHE_KEY.format(site=site_id))


def parse_query(text: str, *, site_id: int | None = None, kinds=()) -> SiteQuery:
    """The query's words, each with its stems, root and the association's synonyms' stems."""
    sets = synonym_sets(site_id)
    query_words = []
    for word in words(text):
        terms = dict.fromkeys(word.stems, 1.0)
        if word.root:
            terms.setdefault(word.root, 1.0)
        own = set(word.stems)
        for synonym_set in sets:
            if any(own & set(stems) for stems in synonym_set):
                for stems in synonym_set:
                    for stem in stems:
                        terms.setdefault(stem, SYNONYM_WEIGHT)
        query_words.append(QueryWord(word.text, terms, word.stems))
    return SiteQuery(words=query_words, site_id=site_id, kinds=tuple(kinds))


# --- typos and "did you mean" ------------------------------------------------------------------


def expand_unknown(query: SiteQuery) -> SiteQuery:
    """A query word no document holds (a typo: زاكتي, ملحاظة) also stands for the indexed words
    it looks like, at FUZZY_WEIGHT. The database holds every document on every backend, so it
    is asked which words the association's documents hold."""
    anywhere = [term for term, count in query.document_frequencies().items() if count]
    known = known_terms(anywhere, query.site_id)
    for word in query.words:
        stems = {term for term in word.terms if not term.startswith(ROOT_MARK)}
        if known & stems or word.text.isdigit():
            continue
        similar_words = closest_words(word.text, site_id=query.site_id)
        for stem in word.firsts[:1]:
            if stem != word.text:
                similar_words += closest_words(stem, site_id=query.site_id)
        if similar_words:
            query.corrected = True
        for similar in dict.fromkeys(similar_words):
            for analysed in words(similar)[:1]:
                for stem in analysed.stems:
                    word.terms.setdefault(stem, FUZZY_WEIGHT)
    return query


def known_terms(terms, site_id: int | None) -> set[str]:
    """Which of these terms a document of the association holds (of any, without one)."""
    terms = list(terms)
    if not terms:
        return set()
    if site_id is None:
        found = SiteTerm.objects.filter(term__in=terms, documents__gt=0)
        return set(found.values_list("term", flat=True))
    # One row at most per term, read down the index on (site, term, impact): a common term's
    # thousands of postings are not read.
    parts = [
        "SELECT * FROM (SELECT p.term FROM search_siteposting p "  # noqa: S608
        "WHERE p.site_id = %s AND p.term = %s LIMIT 1) AS t"
        for _term in terms
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [v for term in terms for v in (site_id, term)])
        return {row[0] for row in cursor.fetchall()}


def suggest(text: str, *, site_id: int | None = None) -> str:
    """The query as typed, with each word no document of the association holds replaced by the
    most alike word of its documents as it is written; "" when nothing better is found."""
    typed = written_words(text)
    analysed = {word.text: word for word in words(text)}
    known = known_terms({stem for word in analysed.values() for stem in word.stems}, site_id)
    changed = False
    out = []
    for written, normalised in typed:
        word = analysed.get(normalised)
        if word is None or set(word.stems) & known or normalised.isdigit():
            out.append(written)
            continue
        best = _closest(normalised, site_id)
        if best:
            out.append(best)
            changed = True
        else:
            out.append(written)
    return " ".join(out) if changed else ""


def _closest(typed: str, site_id: int | None) -> str:
    """The most alike word of the association's documents, as it is written."""
    found = closest_words(typed, count=1, site_id=site_id)
    if not found:
        return ""
    written = SiteWord.objects.filter(word=found[0])
    if site_id is not None:
        written = written.filter(site_id=site_id)
    return written.values_list("written", flat=True).first() or ""


def closest_words(typed: str, *, count: int = 3, site_id: int | None = None) -> list[str]:
    """Words of the association's documents a misspelt word may stand for, most alike first."""
    if len(typed) < 3:
        return []
    words_of = (
        SiteWord.objects.all() if site_id is None else SiteWord.objects.filter(site_id=site_id)
    )
    # A typo seldom changes both the first and the last letter: that narrows the candidates.
    candidates = (
        words_of.filter(length__gte=len(typed) - 1, length__lte=len(typed) + 1)
        .filter(Q(word__startswith=typed[0]) | Q(word__endswith=typed[-1]))
        .values_list("word", flat=True)[:5_000]
    )
    scored = sorted(
        (
            (trigram_similarity(typed, word), word)
            for word in candidates
            if word != typed and looks_like(typed, word)
        ),
        reverse=True,
    )
    return [word for _similarity, word in scored[:count]]
