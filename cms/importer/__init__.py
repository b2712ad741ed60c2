"""Reading policy documents (text, Markdown, PDF, Word) into typed sections and an approval.

`sources` reads the file's lines, `text` restores each line, `vocabulary` recognises headings,
`approval` reads the board's approval, `parser` places every line (with `boilerplate`,
`headings`, `head` and `sections`; `parsed` holds what it gives), `assembly` assembles the
policy, `stream` turns its sections into the page body. Nothing here writes; `services` does.
"""

from cms.importer.approval import Approval
from cms.importer.assembly import assemble
from cms.importer.parsed import Item, Line, Outline, ParsedPolicy, Report, Role, Section
from cms.importer.parser import classify, parse_source
from cms.importer.sources import PolicyImportError, SourceLine, read_document, split_lines
from cms.importer.stream import sections_to_stream
from cms.importer.text import fold


def parse_document(data: bytes, filename: str = "") -> ParsedPolicy:
    """Read any supported document; raises PolicyImportError with a message for people."""
    return parse_source(read_document(data, filename))


def parse_policy_bytes(data: bytes) -> ParsedPolicy:
    return parse_document(data)


def parse_policy_text(text: str) -> ParsedPolicy:
    if not text.strip():
        raise PolicyImportError(_empty_message())
    return parse_source([SourceLine(text=line) for line in split_lines(text)])


def _empty_message() -> str:
    from django.utils.translation import gettext as _

    return _("The file is empty.")


__all__ = [
    "Approval",
    "Item",
    "Line",
    "Outline",
    "ParsedPolicy",
    "PolicyImportError",
    "Report",
    "Role",
    "Section",
    "SourceLine",
    "assemble",
    "classify",
    "fold",
    "parse_document",
    "parse_policy_bytes",
    "parse_policy_text",
    "parse_source",
    "read_document",
    "sections_to_stream",
]
