"""Broken and foreign files, generated: what a parser must refuse with a clear message."""

from __future__ import annotations

import io
import zlib

from reportlab.lib import pdfencrypt
from reportlab.pdfgen.canvas import Canvas


def plain_pdf(lines: list[str], encrypt: str | None = None) -> bytes:
    buffer = io.BytesIO()
    kwargs = {}
    if encrypt:
        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, "owner-" + encrypt, canPrint=0)
    canvas = Canvas(buffer, invariant=1, **kwargs)
    for i, line in enumerate(lines):
        canvas.drawString(72, 720 - 14 * i, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def corrupt(data: bytes) -> bytes:
    """Keep the header and the %%EOF trailer, scramble everything between."""
    middle = bytes((b * 7 + 13) % 256 for b in data[20:-30])
    return data[:20] + middle + data[-30:]


def truncated(data: bytes, fraction: float = 0.6) -> bytes:
    return data[: int(len(data) * fraction)]


# -- hostile PDFs, written object by object (no library would write them) -------------------

def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (1 is the catalog) with a correct xref table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _stream(data: bytes, flate_times: int) -> bytes:
    for _ in range(flate_times):
        data = zlib.compress(data, 9)
    filters = b"[" + b" ".join([b"/FlateDecode"] * flate_times) + b"]"
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
         b"/Resources << /Font << /F1 4 0 R >> >> >>")
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def reference_loop() -> bytes:
    """A stream whose /Length is an object that refers to itself: pdfminer resolves it for ever."""
    return raw_pdf([_CATALOG, _PAGES, _PAGE, _FONT, b"<< /Length 6 0 R >>\nstream\nBT ET\nendstream", b"6 0 R"])


def operator_bomb(operators: int = 3_000_000) -> bytes:
    """Millions of path operators compressed to a few dozen KB: layout analysis never ends."""
    return raw_pdf([_CATALOG, _PAGES, _PAGE, _FONT, _stream(b"0 0 m 1 1 l S\n" * operators, 1)])


def flate_bomb(size: int = 300_000_000) -> bytes:
    """Zeros compressed twice: about a kilobyte that inflates to hundreds of megabytes."""
    return raw_pdf([_CATALOG, _PAGES, _PAGE, _FONT, _stream(b"\0" * size, 2)])


def text_object_bomb(objects: int = 100_000) -> bytes:
    """One page with a hundred thousand text objects."""
    return raw_pdf([_CATALOG, _PAGES, _PAGE, _FONT, _stream(b"BT /F1 1 Tf 10 10 Td (x) Tj ET\n" * objects, 1)])


def page_tree_loop() -> bytes:
    """A /Pages node whose only kid is itself."""
    return raw_pdf([_CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def long_reference_loop() -> bytes:
    """A stream /Length through three objects that refer round in a circle."""
    return raw_pdf([_CATALOG, _PAGES, _PAGE, _FONT, b"<< /Length 6 0 R >>\nstream\nBT ET\nendstream", b"7 0 R",
                    b"8 0 R", b"6 0 R"])
