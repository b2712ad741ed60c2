"""Readers: a policy document's bytes (text, Markdown, PDF or Word) as lines of text.

The kind of file is told by its content, not its name. Every reader returns `SourceLine`s in
reading order, with the page where the format has pages and a hint of what the line was
(a Word heading, list level, table row, page header or footer). Anything that cannot be read
raises `PolicyImportError` with a message for the person importing; nothing else escapes.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
MIN_TEXT_CHARACTERS = 40


class PolicyImportError(Exception):
    """The file cannot be read as a policy document; the message is for the person importing."""


@dataclass
class SourceLine:
    text: str
    page: int | None = None
    hint: str = ""  # "heading", "paragraph", "list:<level>", "table", "header", "footer"


def read_document(data: bytes, filename: str = "") -> list[SourceLine]:
    """The document's lines, whatever its kind; raises PolicyImportError."""
    if len(data) > MAX_BYTES:
        raise PolicyImportError(
            _("The file is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {"size": len(data) // (1024 * 1024), "limit": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise PolicyImportError(_("The file is empty."))
    head = data[:1024]
    if b"%PDF-" in head:
        return read_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PolicyImportError(
            _("This is an old Word (.doc) file. Save it as .docx or PDF and try again.")
        )
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise PolicyImportError(
            _("This is an image, not a document. Upload the policy as PDF, Word or text.")
        )
    return [SourceLine(text=line) for line in split_lines(decode_text(data))]


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").split("\n")


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PolicyImportError(_("The file is binary, not a text document."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1256")  # Windows Arabic, common in older documents
    except UnicodeDecodeError:
        text = ""
    letters = [c for c in text if c.isalpha()]
    arabic = [c for c in letters if "\u0600" <= c <= "\u06ff"]
    if letters and len(arabic) / len(letters) > 0.5:
        return text
    raise PolicyImportError(
        _("The file's text encoding is not recognised. Save it as UTF-8 and try again.")
    )


# --- PDF ---------------------------------------------------------------------------------------


def read_pdf(data: bytes) -> list[SourceLine]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    lines: list[SourceLine] = []
    images = 0
    try:
        pages = extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.3))
        for number, page in enumerate(pages, start=1):
            if number > MAX_PAGES:
                raise PolicyImportError(
                    _("The PDF has more than %(pages)d pages; import the policy on its own.")
                    % {"pages": MAX_PAGES}
                )
            page_lines, page_images = _pdf_page_lines(page)
            images += page_images
            lines += [SourceLine(text=text, page=number) for text in page_lines]
            lines.append(SourceLine(text="", page=number))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise PolicyImportError(
            _("The PDF is protected by a password. Remove the protection and try again.")
        ) from error
    except PolicyImportError:
        raise
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as error:
        logger.info("unreadable PDF: %s", type(error).__name__)
        raise PolicyImportError(_("The PDF cannot be read; it may be damaged.")) from error
    except Exception as error:  # pdfminer raises many kinds on broken files
        logger.info("unreadable PDF: %s", type(error).__name__)
        raise PolicyImportError(_("The PDF cannot be read; it may be damaged.")) from error
    characters = sum(len(line.text.strip()) for line in lines)
    if characters < MIN_TEXT_CHARACTERS:
        if images:
            raise PolicyImportError(
                _(
                    "The PDF holds scanned images without text. Import the Word file or a PDF "
                    "saved from it, or have the scan converted to text (OCR) first."
                )
            )
        raise PolicyImportError(_("The PDF has no text to import."))
    return lines


def _walk(layout):
    from pdfminer.layout import LTFigure, LTImage, LTTextLineHorizontal

    for item in layout:
        if isinstance(item, (LTTextLineHorizontal, LTImage)):
            yield item
        elif isinstance(item, LTFigure) or hasattr(item, "__iter__"):
            yield from _walk(item)


def _line_text(line) -> str:
    """A PDF text line; a wide gap between two letters (table cells) becomes " | "."""
    from pdfminer.layout import LTChar

    out, previous = [], None
    for item in line:
        if isinstance(item, LTChar):
            if previous is not None and item.x0 - previous.x1 > max(previous.height, 4) * 1.5:
                out.append(" | ")
            previous = item
        out.append(item.get_text())
    return "".join(out).strip("\n")


def _pdf_page_lines(page) -> tuple[list[str], int]:
    """Text lines of one page top to bottom; pieces on one baseline joined into one line."""
    from pdfminer.layout import LTImage

    from cms.importer.text import is_reversed

    fragments, images = [], 0
    for item in _walk(page):
        if isinstance(item, LTImage):
            images += 1
            continue
        text = _line_text(item)
        if text.strip():
            fragments.append((item.y0, item.y1, item.x0, text, item.x1))
    rows: list[list[tuple]] = []
    for fragment in sorted(fragments, key=lambda f: (-(f[0] + f[1]) / 2, f[2])):
        if rows:
            # Same row when the two overlap over most of the smaller height.
            top, bottom = rows[-1][0][1], rows[-1][0][0]
            overlap = min(top, fragment[1]) - max(bottom, fragment[0])
            smaller = min(top - bottom, fragment[1] - fragment[0]) or 1
            if overlap > 0.5 * smaller:
                rows[-1].append(fragment)
                continue
        rows.append([fragment])
    out: list[str] = []
    previous_bottom = None
    for row in rows:
        row.sort(key=lambda f: f[2])  # left to right, as the eye sees it
        texts = [f[3].strip() for f in row]
        # A wide gap between two pieces is a boundary between table cells.
        wide = [
            row[i][2] - row[i - 1][4] > 2 * max(row[i][1] - row[i][0], 4)
            for i in range(1, len(row))
        ]
        # Reversed pieces are in visual order: join them left to right and the line is
        # restored whole later; pieces already in reading order read right to left.
        if sum(is_reversed(t) for t in texts) * 2 < len(texts):
            texts, wide = texts[::-1], wide[::-1]
        joined = texts[0] + "".join(
            (" | " if gap else " ") + text for gap, text in zip(wide, texts[1:], strict=True)
        )
        top, bottom = max(f[1] for f in row), min(f[0] for f in row)
        if previous_bottom is not None and previous_bottom - top > (top - bottom) * 0.9:
            out.append("")  # a paragraph gap
        out.append(joined)
        previous_bottom = bottom
    return out, images


# --- Word --------------------------------------------------------------------------------------


def read_docx(data: bytes) -> list[SourceLine]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise PolicyImportError(_("The file is damaged or is not a Word document.")) from error
    if "word/document.xml" not in names:
        raise PolicyImportError(_("The file is an archive, not a Word (.docx) document."))
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds on broken packages
        logger.info("unreadable docx: %s", type(error).__name__)
        raise PolicyImportError(_("The file is damaged or is not a Word document.")) from error
    lines: list[SourceLine] = []
    for section in document.sections:
        for part, hint in ((section.header, "header"), (section.footer, "footer")):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                if paragraph.text.strip():
                    lines.append(SourceLine(text=paragraph.text, hint=hint))
    # Style names by id, read once: python-docx looks each paragraph's style up the slow way.
    styles = {style.style_id: style.name or "" for style in document.styles}
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines += _docx_paragraph(Paragraph(child, document), styles)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                if cells:
                    lines.append(SourceLine(text=" | ".join(cells), hint="table"))
            lines.append(SourceLine(text=""))
    return lines


def _docx_paragraph(paragraph, styles: dict) -> list[SourceLine]:
    text = paragraph.text
    if not text.strip():
        return [SourceLine(text="")]
    style = styles.get(paragraph._p.style or "", "")
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None or style.lower().startswith("list"):
        level = 0
        if numbering is not None and numbering.ilvl is not None:
            level = int(numbering.ilvl.val)
        elif match := re.search(r"(\d)$", style):
            level = int(match.group(1)) - 1
        return [SourceLine(text=f"{'    ' * level}- {text.strip()}", hint=f"list:{level}")]
    runs = [run for run in paragraph.runs if run.text.strip()]
    bold = bool(runs) and all(run.bold for run in runs)
    if re.match(r"(?i)^(heading|title|عنوان)", style) or (bold and len(text.split()) <= 14):
        return [SourceLine(text=text, hint="heading")]
    # Soft line breaks inside a paragraph are lines of their own.
    return [SourceLine(text=part, hint="paragraph") for part in text.split("\n")]
