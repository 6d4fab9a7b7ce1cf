"""Placeholder files for the demo's records: a one-page PDF and a small PNG that say they stand
for a document or a photo. The demo's dossiers and inspections hold these, never real papers;
each is a few hundred bytes, so that loading the demo stays fast."""

import struct
import zlib

from core.text import fold


def pdf(title: str) -> bytes:
    """A one-page PDF saying it stands for the document named."""
    text = fold(title).encode("ascii", "replace").decode()[:90]
    text = text.replace("\\", "/").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 40 780 Td (Tai lieu minh hoa - {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: str = "", width: int = 64, height: int = 48) -> bytes:
    """A small PNG of two bands of colour (the colours follow ``seed``): a photo's stand-in."""
    hue = zlib.crc32(seed.encode())
    top = bytes(((hue >> shift) & 0x7F) + 64 for shift in (16, 8, 0))
    bottom = bytes([0x2E, 0x7D, 0x32])
    rows = b"".join(
        b"\x00" + (top if y < height * 2 // 3 else bottom) * width for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
