"""A generated corpus of policy documents derived from the three samples, with what each says.

Every document is built from the samples' own sections (as the sample tests pin them) and an
approval, then perturbed: heading numbering in Latin or Arabic-Indic digits, before or after
the words; `#`, bold, bullets, colons and dashes on either side (reversed as extraction leaves
them), tatweel, split and fused words, reversed word order, repeated page headers and footers,
a table of contents, lines broken mid-sentence, item markers, missing sections, the approval
under its heading or inline at the end of the last section, members tables in several layouts,
dates in either calendar and digit system with odd spacing. Each is rendered as text/Markdown,
as a Word file (python-docx) or as a PDF (fpdf2 with the Noto Arabic font) written the way
many real Arabic PDFs are: presentation forms in visual order, so extraction reads lines reversed.
"""

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from cms.importer import parse_policy_bytes
from portal.dates import HijriDate

SAMPLES = Path(__file__).resolve().parents[2] / "cms" / "demo_data" / "policies"
FONTS = Path("/usr/share/fonts/truetype/noto")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

NAMES = [
    "عبدالله بن محمد القحطاني", "نورة سعد العتيبي", "خالد عبدالرحمن الغامدي", "سارة علي الشهري",
    "فهد ناصر الدوسري", "منيرة صالح الحربي", "ماجد عبدالعزيز الزهراني", "هيفاء إبراهيم المطيري",
    "سلطان فيصل العنزي", "أمل يوسف الشمري", "تركي حمد السبيعي", "ريم خالد البقمي",
]  # fmt: skip
ROLES = {
    "chair": ["رئيس مجلس الإدارة", "رئيس المجلس"],
    "vice_chair": ["نائب رئيس مجلس الإدارة", "نائب الرئيس"],
    "financial_supervisor": ["المشرف المالي", "أمين الصندوق"],
    "secretary": ["أمين السر", "أمين سر المجلس"],
    "member": ["عضو", "عضو مجلس الإدارة"],
}
ORDINAL_WORDS = {1: "الأول", 2: "الثاني", 3: "الثالث", 4: "الرابع", 5: "الخامس", 6: "السادس"}
ORDINAL_FEMININE = {1: "الأولى", 2: "الثانية", 3: "الثالثة", 4: "الرابعة", 5: "الخامسة"}
ORDINAL_ADVERBS = ["أولاً", "ثانياً", "ثالثاً", "رابعاً", "خامساً", "سادساً", "سابعاً", "ثامناً"]
ASSOCIATIONS = [
    "جمعية بناء وتنمية مساكن بمنطقة جازان", "جمعية ديمة التعليمية بمكة",
    "جمعية موج للتنمية المجتمعية",
]  # fmt: skip


@dataclass
class Truth:
    kinds: list[str]
    content: list[str]  # lines whose words must all reach the output
    approval: dict | None = None


@dataclass
class Document:
    name: str
    kind: str  # txt, docx, pdf
    data: bytes
    truth: Truth
    perturbations: list[str] = field(default_factory=list)


@dataclass
class Block:
    what: str  # title, association, heading, paragraph, item, statement, members, footer, toc
    text: str = ""
    level: int = 0
    marker: str = ""
    rows: list[list[str]] = field(default_factory=list)


def sample_sections() -> list[tuple]:
    """(kind, heading, paragraphs, items) of every section of the three samples."""
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        parsed = parse_policy_bytes(path.read_bytes())
        for section in parsed.sections:
            if section.kind != "section":
                out.append((section.kind, section.heading, section.paragraphs, section.items))
    return out


class Generator:
    def __init__(self, seed: int = 13):
        self.random = random.Random(seed)
        self.sections: dict[str, list[tuple]] = {}
        for kind, heading, paragraphs, items in sample_sections():
            self.sections.setdefault(kind, []).append((heading, paragraphs, items))

    # --- perturbations of words -------------------------------------------------------------

    def digits(self, text: str, arabic: bool) -> str:
        return text.translate(ARABIC_DIGITS) if arabic else text

    def mangle_heading(self, heading: str, tags: set) -> str:
        words = heading.split()
        r = self.random
        if r.random() < 0.15 and len(words) >= 2:
            i = r.randrange(len(words) - 1)
            words[i : i + 2] = [words[i] + words[i + 1]]
            tags.add("fused-words")
        elif r.random() < 0.15:
            i = max(range(len(words)), key=lambda k: len(words[k]))
            if len(words[i]) >= 5:
                cut = r.randrange(2, len(words[i]) - 1)
                words[i] = words[i][:cut] + " " + words[i][cut:]
                tags.add("split-words")
        if r.random() < 0.15:
            i = r.randrange(len(words))
            if len(words[i]) >= 3:
                words[i] = words[i][:2] + "ـــ" + words[i][2:]
                tags.add("tatweel")
        if r.random() < 0.12 and len(words) >= 2:
            words.reverse()
            tags.add("reversed-word-order")
        text = " ".join(words)
        if r.random() < 0.1:
            text = text.replace(" ", "  ")
            tags.add("extra-spaces")
        return text

    def decorate_heading(self, text: str, number: int, style: dict, tags: set) -> str:
        numbering = style["numbering"]
        number_text = self.digits(str(number), style["arabic_digits"])
        if numbering == "dot":
            text = f"{number_text}. {text}"
        elif numbering == "dash":
            text = f"{number_text}- {text}"
        elif numbering == "paren":
            text = f"({number_text}) {text}"
        elif numbering == "adverb":
            text = f"{ORDINAL_ADVERBS[(number - 1) % len(ORDINAL_ADVERBS)]}: {text}"
        elif numbering == "after":
            text = f"{text} .{number_text}"
        text += style["suffix"]
        if style["prefix"]:
            text = style["prefix"] + text
        if style["bold"]:
            text = f"**{text}**"
        tags.add(f"heading-{numbering}")
        return text

    # --- a document ---------------------------------------------------------------------------

    def style(self) -> dict:
        r = self.random
        return {
            "numbering": r.choice(["none", "none", "dot", "dash", "paren", "adverb", "after"]),
            "arabic_digits": r.random() < 0.5,
            "prefix": r.choice(["", "", "# ", "## ", "### ", "■ ", "» ", "« "]),
            "suffix": r.choice(["", ":", ":-", " :", " : ", " -", "-:"]),
            "bold": r.random() < 0.2,
            "item_marker": r.choice(["-", "•", "«", "number-dot", "number-dash", "paren", "none"]),
            "sub_marker": r.choice(["-", "number-dash", "abjad", "number-dot"]),
        }

    def item_marker(self, style: str, index: int, arabic: bool) -> str:
        number = self.digits(str(index + 1), arabic)
        return {
            "-": "- ",
            "•": "• ",
            "«": "« ",
            "number-dot": f"{number}. ",
            "number-dash": f"{number}- ",
            "paren": f"({number}) ",
            "abjad": f"{'أبجدهوزحطي'[index % 10]}) ",
            "none": "",
        }[style]

    def approval(self, tags: set) -> tuple[list[Block], dict]:
        r = self.random
        arabic = r.random() < 0.5
        day = dt.date(2019, 1, 1) + dt.timedelta(days=r.randrange(0, 6 * 365))
        hijri = HijriDate.from_gregorian(day)
        meeting_value = r.choice(["1", "2", "3", "5", "1/9", "2/7", "12"])
        form = r.choice(["paren", "number", "ordinal", "plain"])
        if "/" in meeting_value or form in {"paren", "number", "plain"} or int(meeting_value) > 6:
            shown = self.digits(meeting_value, arabic)
            meeting = {
                "paren": f"في الاجتماع ( {shown} )",
                "number": f"في اجتماعه رقم ({shown})",
                "plain": f"في الاجتماع رقم {shown}",
                "ordinal": f"في الاجتماع ( {shown} )",
            }[form]
        else:
            meeting = r.choice(
                [
                    f"في الاجتماع ( {ORDINAL_WORDS[int(meeting_value)]} )",
                    f"في اجتماعه {ORDINAL_WORDS[int(meeting_value)]}",
                ]
            )
        tags.add(f"meeting-{form}")
        term = r.choice([None, 1, 2, 3, 4])
        term_text = ""
        if term:
            term_text = r.choice(
                [
                    f" في دورته ({ORDINAL_FEMININE[term]} )",
                    f" للدورة {ORDINAL_FEMININE[term]}",
                    f" في الدورة رقم {self.digits(str(term), arabic)}",
                ]
            )
        separator = r.choice(["/", " / ", "-", "/"])
        calendar = r.choice(["gregorian", "hijri", "both"])

        def show(d, m, y, mark):
            text = separator.join(str(v) for v in (d, m, y)) + mark
            return self.digits(text, arabic)

        gregorian_text = show(day.day, day.month, day.year, r.choice([" م", "م", ""]))
        hijri_text = show(hijri.day, hijri.month, hijri.year, r.choice([" هـ", "هـ"]))
        date_text = {
            "gregorian": f"بتاريخ {gregorian_text}",
            "hijri": f"بتاريخ {hijri_text}",
            "both": f"بتاريخ {hijri_text} الموافق {gregorian_text}",
        }[calendar]
        tags.add(f"date-{calendar}")
        supersedes = r.random() < 0.6
        statement = f"اعتمد مجلس إدارة الجمعية {meeting}{term_text} هذه السياسة {date_text}"
        if supersedes:
            statement += " وتحل هذه السياسة محل جميع السياسات الموضوعة سابقا."
        else:
            statement += "."
        blocks = [Block("statement", statement)]
        members = []
        if r.random() < 0.8:
            count = r.randrange(3, 10)
            names = r.sample(NAMES, count)
            roles = ["chair", "vice_chair", "financial_supervisor", "secretary"][: min(4, count)]
            roles += ["member"] * (count - len(roles))
            members = list(zip(names, roles, strict=True))
            layout = r.choice(
                ["name-role", "role-name", "header", "colon", "dash", "two-per-row", "numbered"]
            )
            tags.add(f"members-{layout}")
            rows = []
            if layout in {"header", "numbered"}:
                rows.append(
                    ["م", "الاسم", "الصفة", "التوقيع"]
                    if layout == "numbered"
                    else ["الاسم", "الصفة"]
                )
            for index, (name, role) in enumerate(members):
                role_text = r.choice(ROLES[role])
                if layout == "role-name":
                    rows.append([role_text, name])
                elif layout == "numbered":
                    rows.append([self.digits(str(index + 1), arabic), name, role_text, "........"])
                elif layout == "colon":
                    rows.append([f"{role_text}: {name}"])
                elif layout == "dash":
                    rows.append([f"{name} - {role_text}"])
                else:
                    rows.append([name, role_text])
            if layout == "two-per-row":
                paired = []
                for i in range(0, len(rows), 2):
                    paired.append(rows[i] + (rows[i + 1] if i + 1 < len(rows) else []))
                rows = paired
            blocks.append(Block("members", rows=rows))
        if r.random() < 0.3:
            blocks.append(Block("paragraph", "الختم:"))
        truth = {
            "meeting_number": meeting_value,
            "term_number": term,
            "meeting_date": day,
            "hijri_date": hijri.numeric(),
            "members": [{"name": n, "role": role} for n, role in members],
            "supersedes_previous": supersedes,
        }
        return blocks, truth

    def document(self, number: int) -> tuple[list[Block], Truth, list[str]]:
        r = self.random
        tags: set[str] = set()
        style = self.style()
        association = r.choice(ASSOCIATIONS)
        title = r.choice(["سياسة تنظيم العلاقة مع المستفيدين", "سياسة تنظيم العلاقة مع المستخدمين"])
        blocks: list[Block] = []
        content: list[str] = [title]
        if r.random() < 0.5:
            blocks.append(Block("association", association))
            blocks.append(Block("title", "# " + title if r.random() < 0.5 else title))
        else:
            blocks.append(Block("title", f"# {title} ل{association}"))
        kinds = ["preamble", "general_goal", "detailed_goals", "channels", "tools", "procedure"]
        if r.random() < 0.35:
            for _ in range(r.randrange(1, 3)):
                kinds.remove(r.choice(kinds[1:]))
            tags.add("missing-sections")
        chosen = {kind: r.choice(self.sections[kind]) for kind in kinds}
        has_approval = r.random() < 0.85
        if r.random() < 0.4:
            tags.add("table-of-contents")
            blocks.append(Block("toc", "جدول المحتويات" if r.random() < 0.5 else "المحتويات"))
            for index, kind in enumerate(kinds + (["approval"] if has_approval else [])):
                heading = chosen[kind][0] if kind != "approval" else "اعتماد مجلس الإدارة"
                page = self.digits(str(2 + index // 2), style["arabic_digits"])
                blocks.append(Block("toc", r.choice([f"- {heading}", f"{page}\t{heading} ....."])))
        if r.random() < 0.4:
            tags.add("headers-footers")
            footer = r.choice([association, "www.example-association.org.sa", "صفحة {page}"])
        else:
            footer = None
        broken = r.random() < 0.35
        if broken:
            tags.add("broken-lines")
        for index, kind in enumerate(kinds, start=1):
            heading, paragraphs, items = chosen[kind]
            text = self.mangle_heading(heading, tags)
            blocks.append(Block("heading", self.decorate_heading(text, index, style, tags)))
            for paragraph in paragraphs:
                blocks.append(Block("paragraph", paragraph))
                content.append(paragraph)
            for position, item in enumerate(items):
                marker = self.item_marker(style["item_marker"], position, style["arabic_digits"])
                if style["item_marker"] == "none" and item.text[-1:] not in ".:":
                    item_text = item.text + "."  # without markers, items end their sentence
                else:
                    item_text = item.text
                blocks.append(Block("item", item_text, marker=marker))
                content.append(item.text)
                for sub_position, sub in enumerate(item.subitems):
                    sub_marker = self.item_marker(
                        style["sub_marker"], sub_position, style["arabic_digits"]
                    )
                    blocks.append(Block("item", sub, level=1, marker=sub_marker))
                    content.append(sub)
        approval_truth = None
        if has_approval:
            approval_blocks, approval_truth = self.approval(tags)
            inline = r.random() < 0.25
            if inline:
                tags.add("approval-inline")
            else:
                heading = self.mangle_heading("اعتماد مجلس الإدارة", tags)
                blocks.append(
                    Block("heading", self.decorate_heading(heading, len(kinds) + 1, style, tags))
                )
            blocks += approval_blocks
            content.append(approval_blocks[0].text)
        if footer:
            blocks = self.with_footers(blocks, footer, style)
        if broken:
            blocks = self.break_lines(blocks)
        return blocks, Truth(kinds=kinds, content=content, approval=approval_truth), sorted(tags)

    def with_footers(self, blocks: list[Block], footer: str, style: dict) -> list[Block]:
        out, page = [], 1
        every = self.random.randrange(8, 16)
        for index, block in enumerate(blocks, start=1):
            out.append(block)
            if index % every == 0 and block.what != "members":
                text = footer.replace("{page}", self.digits(str(page), style["arabic_digits"]))
                out.append(Block("footer", text))
                page += 1
        return out

    def break_lines(self, blocks: list[Block]) -> list[Block]:
        out = []
        for block in blocks:
            words = block.text.split()
            if (
                block.what in {"paragraph", "item"}
                and len(words) > 14
                and self.random.random() < 0.5
            ):
                cut = self.random.randrange(8, len(words) - 3)
                out.append(Block(block.what, " ".join(words[:cut]), block.level, block.marker))
                out.append(Block("continuation", " ".join(words[cut:]), block.level))
            else:
                out.append(block)
        return out


# --- renderings ------------------------------------------------------------------------------


def render_text(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if block.what == "heading":
            lines += ["", block.text, ""]
        elif block.what == "item":
            lines.append("    " * block.level + block.marker + block.text)
        elif block.what == "continuation":
            lines.append(block.text)
        elif block.what == "members":
            lines += [" | ".join(row) if len(row) > 1 else row[0] for row in block.rows]
        elif block.what == "paragraph":
            lines += ["", block.text]
        elif block.what == "footer":
            lines += ["", block.text, ""]
        else:
            lines.append(block.text)
    return lines


def render_txt(blocks: list[Block], rng: random.Random) -> bytes:
    lines = render_text(blocks)
    for index, line in enumerate(lines):
        if "\t" not in line and "|" in line and rng.random() < 0.3:
            lines[index] = line.replace(" | ", "\t")  # a table pasted with tabs
    return "\n".join(lines).encode("utf-8")


def render_docx(blocks: list[Block], rng: random.Random) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    document = docx.Document()

    def rtl(paragraph):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        properties = paragraph._p.get_or_add_pPr()
        properties.append(OxmlElement("w:bidi"))
        return paragraph

    footers = [b.text for b in blocks if b.what == "footer"]
    if footers:
        document.sections[0].footer.paragraphs[0].text = footers[0].replace("{page}", "")
    previous = None
    for block in blocks:
        text = block.text.replace("**", "")
        if block.what == "footer":
            continue
        if block.what == "continuation" and previous is not None:
            previous.add_run(" " + text)  # Word never breaks a paragraph mid-sentence
            continue
        if block.what == "heading":
            if rng.random() < 0.5:
                previous = rtl(
                    document.add_paragraph(text.lstrip("#■»« ").strip(), style="Heading 2")
                )
            else:
                previous = rtl(document.add_paragraph())
                previous.add_run(text.lstrip("#■»« ").strip()).bold = True
        elif block.what == "item":
            if block.marker and rng.random() < 0.5:
                previous = rtl(document.add_paragraph(block.marker + text))  # typed numbering
            else:
                name = "List Number" if any(c.isdigit() for c in block.marker) else "List Bullet"
                if block.level:
                    name += " 2"
                previous = rtl(document.add_paragraph(text, style=name))
        elif block.what == "members":
            width = max(len(row) for row in block.rows)
            if width == 1:
                for row in block.rows:
                    previous = rtl(document.add_paragraph(row[0]))
                continue
            table = document.add_table(rows=0, cols=width)
            table._tbl.tblPr.append(OxmlElement("w:bidiVisual"))
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = value
            previous = None
        elif block.what == "toc":
            previous = rtl(document.add_paragraph(text.replace("\t", " ")))
        else:
            previous = rtl(document.add_paragraph(text.lstrip("# ")))
    del qn
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def visual(text: str) -> str:
    """How a PDF writer without a shaping engine stores Arabic: shaped forms, visual order."""
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text), base_dir="R")


def render_pdf(blocks: list[Block], rng: random.Random) -> bytes:
    from fpdf import FPDF

    footer_text = next((b.text for b in blocks if b.what == "footer"), None)

    class PolicyPDF(FPDF):
        def footer(self):
            if footer_text:
                self.set_y(-15)
                self.set_font("naskh", size=9)
                text = footer_text.replace("{page}", str(self.page_no()))
                self.cell(0, 8, visual(text), align="C")

    pdf = PolicyPDF(format="A4")
    pdf.add_font("naskh", "", str(FONTS / "NotoNaskhArabic-Regular.ttf"))
    # Noto Naskh has no Latin letters, slashes or brackets: they come from Noto Sans.
    pdf.add_font("sans", "", str(FONTS / "NotoSans-Regular.ttf"))
    pdf.set_fallback_fonts(["sans"])
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int = 11, indent: float = 0):
        pdf.set_font("naskh", size=size)
        words, chunk = text.split(), []
        chunks = []
        limit = int((width - indent) / (size * 0.16))  # characters that fit on a line
        for word in words:  # wrap in reading order, then store each line visually
            trial = " ".join([*chunk, word])
            if chunk and len(trial) > limit:
                chunks.append(" ".join(chunk))
                chunk = [word]
            else:
                chunk.append(word)
        if chunk:
            chunks.append(" ".join(chunk))
        for piece in chunks:
            pdf.set_x(pdf.l_margin)
            pdf.cell(width - indent, 7, visual(piece), align="R", new_x="LMARGIN", new_y="NEXT")

    for block in blocks:
        text = block.text.replace("**", "")
        if block.what == "footer":
            continue
        if block.what == "heading":
            pdf.ln(3)
            line(text.lstrip("#■»« ").strip(), size=13)
        elif block.what == "item":
            line(block.marker + text, indent=8 * block.level)
        elif block.what == "members":
            pdf.set_font("naskh", size=11)
            for row in block.rows:
                if len(row) == 1:
                    line(row[0])
                    continue
                cell_width = width / len(row)
                if pdf.get_y() + 7 > pdf.page_break_trigger:
                    pdf.add_page()  # a row is never split across pages
                y = pdf.get_y()
                for position, value in enumerate(row):  # the first cell on the right
                    x = pdf.l_margin + width - (position + 1) * cell_width
                    pdf.set_xy(x, y)
                    pdf.cell(cell_width - 2, 7, visual(value), align="R")
                pdf.set_xy(pdf.l_margin, y + 7)
        elif block.what in {"paragraph", "continuation"}:
            if block.what == "paragraph":
                pdf.ln(2)
            line(text)
        else:
            line(text.replace("\t", "   "))
    return bytes(pdf.output())


def build_corpus(count: int = 320, seed: int = 13, docx_share=0.2, pdf_share=0.15):
    generator = Generator(seed)
    rng = random.Random(seed + 1)
    documents = []
    for number in range(count):
        blocks, truth, tags = generator.document(number)
        roll = rng.random()
        if roll < pdf_share:
            kind, data = "pdf", render_pdf(blocks, rng)
        elif roll < pdf_share + docx_share:
            kind, data = "docx", render_docx(blocks, rng)
        else:
            kind, data = "txt", render_txt(blocks, rng)
        documents.append(Document(f"doc-{number:03d}.{kind}", kind, data, truth, tags))
    return documents
