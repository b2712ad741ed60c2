"""Hostile uploads, generated: decompression bombs, corrupt and fake images, scripted PDFs,
polyglots, traversal names, empty files. Each builder takes a random generator, so a corpus is a
family of variants rather than a handful of samples."""

import io
import random
import struct
import zlib

from fpdf import FPDF
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG of width×height black pixels: tiny on disk, width×height bytes
    once Pillow decodes it."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def jpeg(width: int = 64, height: int = 48, rng: random.Random | None = None) -> bytes:
    """Noise from `rng` (small sizes), or a phone-sized gradient without one."""
    if rng is None:
        image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    else:
        image = Image.new("RGB", (width, height))
        image.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(width * height)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims width×height (a bomb for whoever trusts it)."""
    data = bytearray(jpeg(16, 16))
    marker = data.index(b"\xff\xc0")  # baseline frame: length(2) precision(1) height(2) width(2)
    data[marker + 5 : marker + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_truncated(rng: random.Random) -> bytes:
    data = jpeg(120, 90, rng)
    return data[: rng.randrange(len(data) // 5, len(data) * 9 // 10)]


def fake_heic(rng: random.Random) -> bytes:
    """An ISO box that announces HEIC (what type sniffing reads), then noise."""
    brand = rng.choice([b"heic", b"heix", b"mif1", b"heim"])
    box = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1heic"
    return box + rng.randbytes(rng.randrange(200, 4000))


def pdf_document(text: str = "Bank statement") -> bytes:
    """A real PDF, as a scanner's or a bank's software would make one."""
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def pdf_with(extra_objects: list[bytes], catalog_extra: bytes = b"") -> bytes:
    """A minimal PDF whose catalog and extra objects carry what a test wants."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _escaped(name: bytes, rng: random.Random) -> bytes:
    """A PDF name with some letters written as #xx escapes, as obfuscated files do."""
    return b"".join(b"#%02X" % char if rng.random() < 0.5 else bytes([char]) for char in name)


def scripted_pdfs(rng: random.Random) -> dict[str, bytes]:
    script = b"(app.alert\\(%d\\))" % rng.randrange(1000)
    js = _escaped(b"JavaScript", rng)
    stream = b"<< /Type /Action /S /JavaScript /JS " + script + b" >>"
    packed = zlib.compress(b"4 0 " + stream)
    return {
        "open-action-javascript": pdf_with(
            [b"<< /Type /Action /S /JavaScript /JS " + script + b" >>"],
            b"/OpenAction 4 0 R",
        ),
        "escaped-name": pdf_with(
            [b"<< /S /" + js + b" /JS " + script + b" >>"], b"/OpenAction 4 0 R"
        ),
        "launch": pdf_with([b"<< /S /Launch /F (cmd.exe) >>"], b"/OpenAction 4 0 R"),
        "additional-actions": pdf_with(
            [b"<< /O << /S /URI /URI (http://x.test) >> >>"], b"/AA 4 0 R"
        ),
        "embedded-file": pdf_with(
            [b"<< /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>", b"<< /Type /Filespec >>"],
            b"/Names 4 0 R",
        ),
        "script-in-object-stream": pdf_with(
            [
                b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
                % len(packed)
                + packed
                + b"\nendstream"
            ]
        ),
    }


def polyglots(rng: random.Random) -> dict[str, bytes]:
    page = b"<html><body><script>alert(%d)</script></body></html>" % rng.randrange(1000)
    plain = pdf_document()
    return {
        "html-then-pdf": page + b"\n" + plain,
        "pdf-then-html": plain[:9] + page + plain[9:],
        "pdf-with-html-at-the-end": plain + b"\n" + page.upper(),
        "pdf-with-svg": plain + b"<svg onload=alert(1)>",
    }


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def hostile_corpus(seed: int = 12) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, bytes, the error code expected)."""
    rng = random.Random(seed)
    corpus = {}
    for width, height in [
        (20000, 20000),
        (9400, 9400),
        (30000, 900),
        (rng.randrange(5100, 9000), 5000),
    ]:
        corpus[f"png-bomb-{width}x{height}"] = (
            f"scan-{width}.png",
            png_bomb(width, height),
            "image_too_large",
        )
    for width, height in [(60000, 60000), (rng.randrange(6000, 65000), 8000)]:
        corpus[f"jpeg-claiming-{width}x{height}"] = (
            "photo.jpg",
            jpeg_claiming(width, height),
            "image_too_large",
        )
    for index in range(3):
        corpus[f"jpeg-truncated-{index}"] = ("photo.jpg", jpeg_truncated(rng), "file_unreadable")
        corpus[f"fake-heic-{index}"] = ("IMG_0001.HEIC", fake_heic(rng), "file_unreadable")
    for name, data in scripted_pdfs(rng).items():
        corpus[f"pdf-{name}"] = ("statement.pdf", data, "file_active_content")
    for name, data in polyglots(rng).items():
        code = "file_type" if name.startswith("html") else "file_polyglot"
        corpus[f"polyglot-{name}"] = ("receipt.html", data, code)
    return corpus
