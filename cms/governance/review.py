"""What the board is asked to approve: a revision against the version in force (selectors).

The review is read in one language at a time (never an Arabic text against its English
fallback), section by section, with changes of the structured fields listed first, and flags
for what needs a second look: a changed response period, or texts that promise different ones.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.models import Revision

from cms.blocks import section_entries
from cms.diff import SectionDiff, compare_bodies, word_diff
from cms.governance.register import revision_content_hash
from cms.models.board import BoardApproval
from cms.models.policies import PolicyCategory, PolicyPage
from cms.periods import stated_periods

LANGUAGES = (("ar", "rtl"), ("en", "ltr"))


@dataclass
class FieldChange:
    label: str
    language: str  # "ar", "en" or "" for a field that holds no text
    old: str
    new: str

    @property
    def segments(self):
        return word_diff(self.old, self.new) if self.language else []


@dataclass
class LanguageReview:
    language: str
    direction: str
    label: str
    status: str  # "compared", "added", "removed", "missing"
    note: str
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changed_sections(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.status != "unchanged"]


@dataclass
class Flag:
    code: str
    message: str


@dataclass
class RevisionReview:
    policy: PolicyPage
    revision: Revision
    base: BoardApproval | None
    old_label: str
    new_label: str
    field_changes: list[FieldChange]
    languages: list[LanguageReview]
    flags: list[Flag]
    content_hash: str
    periods: dict

    @property
    def has_changes(self) -> bool:
        return bool(self.field_changes) or any(
            language.changed_sections or language.status in ("added", "removed")
            for language in self.languages
        )

    def language(self, code: str) -> LanguageReview | None:
        return next((item for item in self.languages if item.language == code), None)


def _text(value) -> str:
    return "" if value is None else str(value)


def _entries(body, language: str) -> list[dict]:
    # Standard headings are translated: read them in the body's own language.
    with translation.override(language):
        return section_entries(body)


def _period_label(days) -> str:
    if days in (None, ""):
        return _("not set")
    return _("%(days)s days") % {"days": days}


def _field_changes(old: PolicyPage | None, new: PolicyPage) -> list[FieldChange]:
    changes = []

    def compare(label, language, old_value, new_value):
        old_text, new_text = _text(old_value), _text(new_value)
        if old_text != new_text:
            changes.append(FieldChange(label, language, old_text, new_text))

    compare(
        _("Response period"),
        "",
        *[
            _period_label(getattr(page, "response_period_days", None)) if page else ""
            for page in (old, new)
        ],
    )
    labels = dict(PolicyCategory.choices)
    compare(
        _("Category"),
        "",
        str(labels.get(old.category, old.category)) if old else "",
        str(labels.get(new.category, new.category)),
    )
    compare(_("Title (Arabic)"), "ar", old.title_ar if old else "", new.title_ar)
    compare(_("Title (English)"), "en", old.title_en if old else "", new.title_en)
    compare(_("Summary (Arabic)"), "ar", old.summary_ar if old else "", new.summary_ar)
    compare(_("Summary (English)"), "en", old.summary_en if old else "", new.summary_en)
    compare(_("Web address"), "", old.slug if old else "", new.slug)
    return changes


def _language_review(old, new, language, direction, old_label, new_label) -> LanguageReview:
    label = _("Arabic text") if language == "ar" else _("English text")
    old_body = getattr(old, f"body_{language}", None) if old else None
    new_body = getattr(new, f"body_{language}", None)
    has_old, has_new = bool(old_body), bool(new_body)
    with translation.override(language):
        sections = compare_bodies(old_body or [], new_body or [])
    if has_new and not has_old and old is not None:
        status = "added"
        note = _("%(language)s added in %(version)s.") % {"language": label, "version": new_label}
    elif has_old and not has_new:
        status = "removed"
        note = _("%(language)s removed in %(version)s.") % {
            "language": label,
            "version": new_label,
        }
    elif not has_new:
        status, note, sections = "missing", _("No %(language)s yet.") % {"language": label}, []
    else:
        status, note = "compared", ""
    return LanguageReview(language, direction, label, status, note, sections)


def _stated(page, language) -> set[int]:
    if page is None:
        return set()
    lines = [_text(getattr(page, f"summary_{language}", ""))]
    for entry in _entries(getattr(page, f"body_{language}", None), language):
        lines.extend(entry["lines"])
    return stated_periods(lines, language)


def _days(periods: set[int]) -> str:
    return "، ".join(str(d) for d in sorted(periods)) if periods else "—"


def _flags(old, new, periods) -> list[Flag]:
    flags = []
    old_field = getattr(old, "response_period_days", None) if old else None
    new_field = new.response_period_days
    if old is not None and old_field != new_field:
        flags.append(
            Flag(
                "period_field_changed",
                _("The response period changes from %(old)s to %(new)s.")
                % {"old": _period_label(old_field), "new": _period_label(new_field)},
            )
        )
    for language, label in (("ar", _("Arabic text")), ("en", _("English text"))):
        before, after = periods["old"][language], periods["new"][language]
        if old is not None and before and after and before != after:
            flags.append(
                Flag(
                    f"period_text_changed_{language}",
                    _("The %(text)s changes the promised period from %(old)s to %(new)s days.")
                    % {"text": label, "old": _days(before), "new": _days(after)},
                )
            )
        if after and new_field and after != {new_field}:
            flags.append(
                Flag(
                    f"period_text_differs_{language}",
                    _(
                        "The %(text)s states %(stated)s days but the response period field "
                        "says %(field)s."
                    )
                    % {"text": label, "stated": _days(after), "field": new_field},
                )
            )
    ar, en = periods["new"]["ar"], periods["new"]["en"]
    if ar and en and ar != en:
        flags.append(
            Flag(
                "period_languages_differ",
                _(
                    "The Arabic text states %(ar)s days and the English text %(en)s days: "
                    "they promise different periods."
                )
                % {"ar": _days(ar), "en": _days(en)},
            )
        )
    return flags


def base_approval(policy: PolicyPage) -> BoardApproval | None:
    """The approval of the version in force (the live revision), if any."""
    if not policy.live_revision_id:
        return None
    return (
        BoardApproval.objects.filter(policy_id=policy.pk, revision_id=policy.live_revision_id)
        .select_related("revision")
        .order_by("corrects_id", "recorded_at")
        .first()
    )


def revision_review(
    *, policy: PolicyPage, revision: Revision, base: BoardApproval | None = None
) -> RevisionReview:
    """The full difference between the version in force (or `base`) and `revision`."""
    base = base if base is not None else base_approval(policy)
    old = base.revision.as_object() if base else None
    new = revision.as_object()
    old_label = (
        _("version %(number)s") % {"number": base.version} if base else _("no approved version")
    )
    approved = BoardApproval.objects.filter(revision_id=revision.pk, corrects__isnull=True).first()
    new_label = (
        _("version %(number)s") % {"number": approved.version}
        if approved
        else _("the revision submitted for approval")
    )
    periods = {
        "old": {language: _stated(old, language) for language, _dir in LANGUAGES},
        "new": {language: _stated(new, language) for language, _dir in LANGUAGES},
    }
    return RevisionReview(
        policy=policy,
        revision=revision,
        base=base,
        old_label=old_label,
        new_label=new_label,
        field_changes=_field_changes(old, new),
        languages=[
            _language_review(old, new, language, direction, old_label, new_label)
            for language, direction in LANGUAGES
        ],
        flags=_flags(old, new, periods),
        content_hash=revision_content_hash(revision),
        periods=periods,
    )
