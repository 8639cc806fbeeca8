"""A small, valid PDF of a document, so that PDF actions hand back a file a viewer opens."""

from __future__ import annotations

import unicodedata

_PAGE_LINES = 60


def _pdf_text(text: str) -> bytes:
    """Text for a WinAnsi-encoded Type 1 font: cp1252 where it can, letters without marks else."""
    out = bytearray()
    for char in text:
        try:
            encoded = char.encode("cp1252")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore")
            encoded = plain or b"?"
        for byte in encoded:
            if byte in b"()\\":
                out += b"\\" + bytes([byte])
            elif byte < 32:
                out += b" "
            else:
                out.append(byte)
    return bytes(out)


def _page_stream(title: str, lines: list[str]) -> bytes:
    body = [b"BT", b"/F1 16 Tf", b"50 790 Td", b"(" + _pdf_text(title) + b") Tj", b"/F1 10 Tf"]
    body.append(b"0 -28 Td")
    for line in lines:
        body.append(b"(" + _pdf_text(line) + b") Tj")
        body.append(b"0 -12 Td")
    body.append(b"ET")
    return b"\n".join(body)


def render(title: str, lines: list[str]) -> bytes:
    """A multi-page A4 PDF 1.4 with `title` on each page and `lines` below it."""
    chunks = [lines[i : i + _PAGE_LINES] for i in range(0, len(lines), _PAGE_LINES)] or [[]]
    page_count = len(chunks)
    # Objects: 1 catalog, 2 pages, 3 font, then a (page, content) pair per page.
    page_ids = [4 + 2 * i for i in range(page_count)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % pid for pid in page_ids)
        + b"] /Count %d >>" % page_count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, chunk in enumerate(chunks):
        stream = _page_stream(title, chunk)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_ids[index] + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")

    document = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        document += b"%010d 00000 n \n" % offset
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(document)
