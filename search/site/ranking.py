"""Public site search: policies, questions, content pages and service pages, in the reader's
language.

The site index (search.index.site) ranks documents (BM25 by field, stems and roots, synonyms,
words together and in order) on whichever backend answers; this module turns the keys it
returns into results a reader sees: title, what it is, the best-matching section (a policy's
section or its board approval), a highlighted snippet and the link. Only the results shown are
read from the database. A query that finds nothing gets a "did you mean" from the indexed words.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

from cms.blocks import section_entries
from cms.models import FAQ, ContentPage, FAQPage, PolicyPage
from portal.core.associations import current_site_id
from search.index import site as index
from search.site import documents
from search.text.analysis import analyse_word
from search.text.arabic import WORD, normalise

MAX_QUERY_LENGTH = 200
RENDER_SECONDS = 600
SNIPPET_WORDS = 28
CANDIDATES = 100
APPROVAL_ANCHOR = "approval-heading"

KIND_LABELS = {
    "policy": _("Policy"),
    "faq": _("Question"),
    "page": _("Page"),
    "service": _("Service"),
}


@dataclass
class Result:
    kind: str  # "policy", "faq", "page" or "service"
    key: str  # "policy:<slug>", "faq:<slug>"… within the association: for judged queries, the API
    title: str
    title_html: SafeString
    url: str
    section: str
    snippet: SafeString
    score: float
    fallback_language: bool

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, ""))


@dataclass
class Found:
    """What a query found in one association: ranked keys (all of them, public keys: the site
    left out), and what to tell the reader."""

    query: str
    keys: list[str]
    scores: dict[str, float]
    terms: set[str]
    site_id: int | None = None
    suggestion: str = ""
    fallback: bool = False
    backend: str = "database"
    faq_page: FAQPage | None = None  # where questions are shown; none live: no question found
    _rendered: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.keys)

    def results(self, start: int = 0, stop: int | None = None) -> list[Result]:
        """The results from `start` to `stop`, read from the database only now."""
        wanted = self.keys[start:stop]
        missing = [key for key in wanted if key not in self._rendered]
        self._rendered.update(
            render_many(missing, self.terms, self.scores, self.faq_page, site_id=self.site_id)
        )
        return [self._rendered[key] for key in wanted if self._rendered.get(key) is not None]


def clean_query(raw: str | None) -> str:
    text = " ".join((raw or "").replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def _faq_page(site_id: int | None) -> FAQPage | None:
    """The association's live public FAQ page, where its questions are shown."""
    pages = FAQPage.objects.live().public()
    site = Site.objects.filter(pk=site_id).select_related("root_page").first()
    if site is None:
        return None
    return pages.descendant_of(site.root_page, inclusive=True).first()


def find(raw_query: str, *, site_id: int | None = None, limit: int = CANDIDATES) -> Found:
    """Search one association's site: `site_id`, else the current association (the request's
    host), else the default one. Nothing of another association is found, counted or
    suggested."""
    if site_id is None:
        site_id = current_site_id()
    query = clean_query(raw_query)
    parsed = index.parse_query(query, site_id=site_id)
    if not parsed.words:
        return Found(query, [], {}, set(), site_id)
    hits = index.search(parsed, limit=limit)
    terms = {term for word in parsed.words for term in word.terms}
    scores = {documents.public_key(key): score for key, score in hits.scores.items()}
    keys = [documents.public_key(key) for key in hits.keys]
    faq_page = _faq_page(site_id)
    if faq_page is None:
        keys = [key for key in keys if not key.startswith("faq:")]
    found = Found(
        query,
        keys,
        scores,
        terms,
        site_id,
        fallback=hits.fallback,
        backend=hits.backend,
        faq_page=faq_page,
    )
    if not keys or parsed.corrected:
        found.suggestion = index.suggest(query, site_id=site_id)
    return found


def search_site(
    raw_query: str, *, site_id: int | None = None, limit: int = CANDIDATES
) -> list[Result]:
    return find(raw_query, site_id=site_id, limit=limit).results()


def search_keys(
    raw_query: str, *, site_id: int | None = None, limit: int = CANDIDATES
) -> list[str]:
    """The ranked keys alone, for scoring against judged queries."""
    return find(raw_query, site_id=site_id, limit=limit).keys


# --- rendering -------------------------------------------------------------------------------


def _word_terms(word: str) -> set[str]:
    analysed = analyse_word(word)
    return set(analysed.stems) | ({analysed.root} if analysed.root else set())


def _matched(text: str, terms: set[str]) -> set[str]:
    found = set()
    for word in WORD.findall(normalise(text)):
        found |= _word_terms(word) & terms
    return found


def highlight(text: str, terms: set[str], *, whole: bool = False) -> SafeString:
    """Escape `text` and wrap the words that stand for a query word in <mark>; unless
    `whole`, keep a window of words around the first hit."""
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


@dataclass
class PolicyParts:
    """What a policy's result is made of, read from its approved text once and kept in the cache
    until the site index changes: loading an approved revision is the slow part of a result."""

    title: str
    url: str
    summary: str
    sections: list[tuple[str, str, str]]  # heading, anchor, text
    approval: str  # the approval block's words in both languages, to match the query against
    approval_shown: str  # its lines in the reader's language
    fallback_language: bool


def policy_parts(policy: PolicyPage) -> PolicyParts:
    language = (get_language() or "ar")[:2]
    cache_key = f"search:site:policy:{index.generation()}:{policy.pk}:{language}"
    parts = cache.get(cache_key)
    if parts is None:
        page = policy.approved_page()  # the text the board approved, not the page's columns
        heading, approval = documents.approval_text(page)
        parts = PolicyParts(
            title=str(page.title),
            url=str(policy.url),
            summary=str(page.summary or ""),
            sections=[
                (str(entry["heading"]), entry["anchor"], " ".join(map(str, entry["lines"])))
                for entry in section_entries(page.body)
            ],
            approval=f"{heading} {approval}" if approval else "",
            approval_shown=" ".join(_approval_lines(page, language)) if approval else "",
            fallback_language=page.shown_in_fallback_language(),
        )
        cache.set(cache_key, parts, RENDER_SECONDS)
    return parts


def _best_section(parts: PolicyParts, terms: set[str]) -> tuple[str, str, str]:
    """(heading, anchor, text) of the part of the policy page holding most query words: a
    section, or its board approval."""
    best = ("", "", parts.summary, len(_matched(parts.summary, terms)))
    for heading, anchor, text in parts.sections:
        matches = len(_matched(heading + " " + text, terms))
        if matches > best[3]:
            best = (heading, anchor, text, matches)
    if parts.approval:
        matches = len(_matched(parts.approval, terms))
        if matches > best[3]:
            best = (str(_("Board approval")), APPROVAL_ANCHOR, parts.approval_shown, matches)
    return best[:3]


def _approval_lines(policy: PolicyPage, language: str) -> list[str]:
    version = policy.current_version
    approval = version.approval
    lines = [
        str(
            _("Approved by the board of directors in meeting %(meeting)s")
            % {"meeting": approval.meeting_number}
        ),
        approval.term.label if approval.term else "",
        approval.decision_text or "",
    ]
    lines += [f"{member.name} ({member.get_role_display()})" for member in approval.members.all()]
    return [line for line in lines if line]


def render_many(
    keys: list[str],
    terms: set[str],
    scores: dict[str, float],
    faq_page: FAQPage | None,
    *,
    site_id: int | None,
) -> dict:
    """The results for these public keys of one association, each kind read in one query, from
    that association's rows only."""
    names: dict[str, list[str]] = {}
    for key in keys:
        kind, _sep, name = key.partition(":")
        names.setdefault(kind, []).append(name)
    loaded: dict[str, object] = {}
    site = Site.objects.filter(pk=site_id).select_related("root_page").first()
    if site is None:
        return dict.fromkeys(keys)
    if names.get("policy"):
        policies = PolicyPage.objects.live().public().descendant_of(site.root_page)
        for policy in policies.filter(slug__in=names["policy"]):
            loaded[f"policy:{policy.slug}"] = policy
    if names.get("faq") and faq_page is not None:
        questions = FAQ.all_sites.filter(site_id=site.pk, slug__in=names["faq"])
        for faq in questions.select_related("category"):
            faq.page_url = faq_page.url
            loaded[f"faq:{faq.slug}"] = faq
    if names.get("page"):
        ids = [name for name in names["page"] if name.isdigit()]
        pages = ContentPage.objects.live().public().descendant_of(site.root_page, inclusive=True)
        for page in pages.filter(pk__in=ids):
            loaded[f"page:{page.pk}"] = page
    for name in names.get("service", []):
        loaded[f"service:{name}"] = documents.SERVICES.get(name)
    return {
        key: render(key, loaded.get(key), terms, scores.get(key, 0.0)) if loaded.get(key) else None
        for key in keys
    }


def render(key: str, item, terms: set[str], score: float) -> Result | None:
    kind = key.partition(":")[0]
    language = (get_language() or "ar")[:2]
    if kind == "policy":
        parts = policy_parts(item)
        heading, anchor, text = _best_section(parts, terms)
        return Result(
            kind="policy",
            key=key,
            title=parts.title,
            title_html=highlight(parts.title, terms, whole=True),
            url=parts.url + (f"#{anchor}" if anchor else ""),
            section=heading,
            snippet=highlight(text, terms),
            score=score,
            fallback_language=parts.fallback_language,
        )
    if kind == "faq":
        faq = item
        return Result(
            kind="faq",
            key=key,
            title=faq.question,
            title_html=highlight(faq.question, terms, whole=True),
            url=f"{faq.page_url}#{faq.anchor}",
            section=faq.category.name,
            snippet=highlight(strip_tags(faq.answer), terms),
            score=score,
            fallback_language=not faq.is_translated(language),
        )
    if kind == "page":
        page = item
        text = f"{page.intro} {strip_tags(page.body)}".strip()
        return Result(
            kind="page",
            key=key,
            title=page.title,
            title_html=highlight(page.title, terms, whole=True),
            url=page.url,
            section="",
            snippet=highlight(text, terms),
            score=score,
            fallback_language=language != "ar" and not (page.body_en or page.intro_en),
        )
    if kind == "service":
        service = item
        url = documents.service_url(service)
        if not url:
            return None
        return Result(
            kind="service",
            key=key,
            title=str(service.title),
            title_html=highlight(str(service.title), terms, whole=True),
            url=url,
            section="",
            snippet=highlight(str(service.description), terms),
            score=score,
            fallback_language=False,
        )
    return None


def faq_slugs(raw_query: str | None) -> list[str] | None:
    """The slugs of the FAQs matching a query, best first; None when it holds no words (for the
    FAQ API, which lists them all then)."""
    query = clean_query(raw_query)
    if not query:
        return None
    return [key.split(":", 1)[1] for key in search_keys(query) if key.startswith("faq:")]
