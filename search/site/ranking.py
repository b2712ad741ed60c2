"""Public site search: policies (by section) and FAQs, in the reader's language.

Candidates come from Wagtail's search backend (database or Elasticsearch), which indexes each
document's normalised stems (`search_document`). Results are then ranked by how many of the
query's terms each one holds, title and question first, and shown with the best-matching
section and a highlighted snippet.
"""

from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from wagtail.search.backends import get_search_backend

from cms.blocks import section_entries
from cms.models import FAQ, FAQPage, PolicyPage
from search.text.arabic import WORD, normalise, term_groups, variants

MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 28


@dataclass
class Result:
    kind: str  # "policy" or "faq"
    key: str  # "policy:<slug>" or "faq:<slug>", stable for judged queries and the API
    title: str
    title_html: SafeString
    url: str
    section: str
    snippet: SafeString
    score: float
    fallback_language: bool


def clean_query(raw: str | None) -> str:
    text = " ".join((raw or "").split())
    return text[:MAX_QUERY_LENGTH]


def _matched(text: str, terms: set[str]) -> set[str]:
    return {term for word in WORD.findall(normalise(text)) for term in variants(word)} & terms


def _title_score(text: str, terms: set[str]) -> float:
    """Matched query terms, plus how much of the title they make up: a short title that is
    mostly the query ranks above a longer one that merely mentions it."""
    matched = len(_matched(text, terms))
    length = max(1, len(term_groups(text)))
    return 3 * matched + matched / length


def highlight(text: str, terms: set[str], *, whole: bool = False) -> SafeString:
    """Escape `text` and wrap the words whose stem is a query term in <mark>; unless `whole`,
    keep a window of words around the first hit."""
    words = text.split()
    hits = [i for i, word in enumerate(words) if _matched(word, terms)]
    start = 0 if whole else max(0, (hits[0] if hits else 0) - SNIPPET_WORDS // 3)
    window = words if whole else words[start : start + SNIPPET_WORDS]
    parts = [
        f"<mark>{escape(word)}</mark>" if _matched(word, terms) else escape(word) for word in window
    ]
    prefix = "… " if start > 0 else ""
    suffix = " …" if not whole and start + SNIPPET_WORDS < len(words) else ""
    return mark_safe(prefix + " ".join(parts) + suffix)  # noqa: S308 - every word is escaped above


def _best_section(page, terms: set[str]) -> tuple[str, str, str, int]:
    """(heading, anchor, text, matches) of the section holding most query terms."""
    best = ("", "", page.summary or "", len(_matched(page.summary or "", terms)))
    for entry in section_entries(page.body):
        text = " ".join(entry["lines"])
        matches = len(_matched(entry["heading"] + " " + text, terms))
        if matches > best[3]:
            best = (entry["heading"], entry["anchor"], text, matches)
    return best


def search_site(raw_query: str, *, limit: int = 100) -> list[Result]:
    query = clean_query(raw_query)
    groups = term_groups(query)
    if not groups:
        return []
    terms = [term for group in groups for term in group]
    term_set = set(terms)
    backend = get_search_backend()
    query_string = " ".join(dict.fromkeys(terms))
    language = (get_language() or "ar")[:2]
    results: list[Result] = []

    policies = backend.search(query_string, PolicyPage.objects.live().public(), operator="or")
    for rank, policy in enumerate(policies[:limit]):
        page = policy.approved_page()  # the text the board approved, not the page's columns
        heading, anchor, text, matches = _best_section(page, term_set)
        title_score = _title_score(page.title, term_set)
        results.append(
            Result(
                kind="policy",
                key=f"policy:{policy.slug}",
                title=page.title,
                title_html=highlight(page.title, term_set, whole=True),
                url=policy.url + (f"#{anchor}" if anchor else ""),
                section=heading,
                snippet=highlight(text, term_set),
                score=title_score + matches - rank * 0.001,
                fallback_language=page.shown_in_fallback_language(),
            )
        )

    faq_page = FAQPage.objects.live().public().first()
    if faq_page is not None:
        faqs = backend.search(query_string, FAQ.objects.select_related("category"), operator="or")
        for rank, faq in enumerate(faqs[:limit]):
            answer = strip_tags(faq.answer)
            question_score = _title_score(faq.question, term_set)
            answer_matches = len(_matched(answer, term_set))
            results.append(
                Result(
                    kind="faq",
                    key=f"faq:{faq.slug}",
                    title=faq.question,
                    title_html=highlight(faq.question, term_set, whole=True),
                    url=f"{faq_page.url}#{faq.anchor}",
                    section=faq.category.name,
                    snippet=highlight(answer, term_set),
                    # A question that asks what was searched for beats a long policy mention.
                    score=question_score + answer_matches + 0.5 - rank * 0.001,
                    fallback_language=not faq.is_translated(language),
                )
            )
    results.sort(key=lambda result: -result.score)
    return [result for result in results if result.score > 0]


def faq_slugs(raw_query: str | None) -> list[str] | None:
    """The slugs of the FAQs matching a query, best first; None when it holds no words (for the
    FAQ API, which lists them all then)."""
    query = clean_query(raw_query)
    if not query:
        return None
    return [result.key.split(":", 1)[1] for result in search_site(query) if result.kind == "faq"]
