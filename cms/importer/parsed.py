"""What reading a policy document gives: each line with its place (`Role`) and the recogniser's
confidence, the outline of sections found, the sections with their paragraphs or items, the
report that accounts for every line, and the parsed policy."""

from dataclasses import asdict, dataclass, field

from cms.importer.approval import Approval


class Role:
    TITLE = "title"
    ASSOCIATION = "association"
    LICENCE = "licence"
    TOC = "toc"
    DROPPED = "dropped"
    HEADING = "heading"
    BODY = "body"
    APPROVAL = "approval"
    UNCLASSIFIED = "unclassified"


PARAGRAPH_KINDS = {"preamble", "general_goal"}
SECTION_KINDS = [
    "preamble",
    "general_goal",
    "detailed_goals",
    "channels",
    "tools",
    "procedure",
    "section",
]


@dataclass
class Line:
    number: int
    source: str
    text: str
    role: str = Role.UNCLASSIFIED
    section: int | None = None
    detail: str = ""
    confidence: float = 0.0
    restored: bool = False
    page: int | None = None
    gap_before: bool = False
    hint: str = ""


@dataclass
class Outline:
    """A section as found: its kind, the line of its heading and how sure the match was."""

    kind: str
    heading: str
    confidence: float
    line: int | None = None


@dataclass
class Item:
    text: str
    subitems: list[str] = field(default_factory=list)


@dataclass
class Section:
    kind: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Report:
    lines_total: int = 0
    title_lines: list[str] = field(default_factory=list)
    association_lines: list[str] = field(default_factory=list)
    table_of_contents: list[str] = field(default_factory=list)
    boilerplate: list[dict] = field(default_factory=list)
    section_lines: int = 0
    approval_lines: list[str] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)
    restored_lines: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def lines_accounted(self) -> int:
        return (
            len(self.title_lines)
            + len(self.association_lines)
            + len(self.table_of_contents)
            + len(self.boilerplate)
            + self.section_lines
            + len(self.approval_lines)
            + len(self.unclassified)
        )


@dataclass
class ParsedPolicy:
    title: str
    association: str
    licence_number: str
    category: str
    response_period_days: int | None
    sections: list[Section]
    approval: Approval | None
    report: Report
    lines: list[Line] = field(default_factory=list)
    outline: list[Outline] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.approval and self.approval.meeting_date:
            data["approval"]["meeting_date"] = self.approval.meeting_date.isoformat()
        data["report"]["lines_accounted"] = self.report.lines_accounted
        return data
