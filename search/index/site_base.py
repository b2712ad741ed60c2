"""What every part of the site index shares: the document search.site hands it (a key, a kind,
an association and the text of each field), the four fields it is analysed into and their
weights, the query every backend is asked (each word with the terms that may stand for it) and
the answer every backend gives."""

from dataclasses import dataclass, field

from django.db.models import Sum

from search.models import SitePosting, SiteTerm
from search.text.analysis import field_terms

Field = SitePosting.Field
FIELD_WEIGHTS = {Field.TITLE: 3.0, Field.HEADING: 1.5, Field.BODY: 1.0, Field.ROOTS: 0.35}
PHRASE_BOOST = 0.6  # at most: every pair of neighbouring query words found together
PROXIMITY_WINDOW = 3
CANDIDATES = 200


@dataclass
class SiteDocumentText:
    """What search.site hands the index for one document: plain text of each field."""

    key: str
    kind: str
    site_id: int | None
    title: str
    headings: str = ""
    body: str = ""


@dataclass
class QueryWord:
    """One word of a query and every term that may stand for it, with its weight."""

    text: str
    terms: dict[str, float]  # stem or root or synonym stem -> weight
    firsts: tuple[str, ...] = ()  # its own stems, for phrases


@dataclass
class SiteQuery:
    words: list[QueryWord]
    site_id: int | None = None
    kinds: tuple[str, ...] = ()
    corrected: bool = False  # a word no document holds was taken for indexed words like it
    frequencies: dict[str, int] = field(default_factory=dict)  # documents holding each term

    def document_frequencies(self) -> dict[str, int]:
        """How many of the association's documents hold each of the query's terms (0: none),
        asked once per term down the index on (site, term); without an association, how many
        documents of any."""
        missing = [term for term in self.terms if term not in self.frequencies]
        if missing:
            rows = SiteTerm.objects.filter(term__in=missing)
            if self.site_id is not None:
                found = dict(rows.filter(site_id=self.site_id).values_list("term", "documents"))
            else:
                found = dict(
                    rows.values("term").annotate(n=Sum("documents")).values_list("term", "n")
                )
            self.frequencies.update({term: found.get(term, 0) for term in missing})
        return self.frequencies

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(term for word in self.words for term in word.terms))


@dataclass
class SiteHits:
    keys: list[str]
    scores: dict[str, float]
    total: int
    backend: str
    fallback: bool = False
    suggestion: str = ""
    words: list[str] = field(default_factory=list)


def document_fields(document: SiteDocumentText) -> dict[int, list[str]]:
    roots: list[str] = []
    out = {}
    for number, text in (
        (Field.TITLE, document.title),
        (Field.HEADING, document.headings),
        (Field.BODY, document.body),
    ):
        stems, field_roots = field_terms(text)
        out[number] = stems
        roots.extend(field_roots)
    out[Field.ROOTS] = roots
    return out
