"""Broken and foreign files, generated: what a parser must refuse with a clear message."""

from __future__ import annotations

import io

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
