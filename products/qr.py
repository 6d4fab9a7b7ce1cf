"""QR codes of certified products, made on the server with segno (no script, no outside service).

A code holds the absolute address of the product's catalogue page, so that a phone's camera opens
it from a label on the package. The SVG prints sharp at any size; the PNG is for tools that want
a bitmap, at print resolution.
"""

import io

import segno

#: Error correction M (15% of the code may be lost): a scuffed label still reads. segno raises it
#: further when the address leaves room in the same version.
ERROR = "m"
#: A PNG of 16 pixels a module, marked 300 dpi: an address of about 60 characters gives a code of
#: 41 modules with its quiet zone, 656 pixels, 5.5 cm printed.
PNG_SCALE = 16
PNG_DPI = 300
#: The SVG's own size (10 px a module); it scales without loss.
SVG_SCALE = 10


def make(url: str) -> segno.QRCode:
    """The QR code of an address (a full QR code, never a Micro QR that phones may not read)."""
    return segno.make(url, error=ERROR, micro=False)


def svg(url: str, title: str = "") -> bytes:
    """A standalone SVG file, white behind the dark modules so that it reads on any page."""
    out = io.BytesIO()
    make(url).save(
        out, kind="svg", scale=SVG_SCALE, light="#fff", xmldecl=False, title=title or None
    )
    return out.getvalue()


def png(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=PNG_SCALE, dpi=PNG_DPI)
    return out.getvalue()


def svg_inline(url: str, title: str = "") -> str:
    """SVG markup to put inside a page (the label sheet), sized by its CSS."""
    return make(url).svg_inline(light="#fff", omitsize=True, title=title or None)
