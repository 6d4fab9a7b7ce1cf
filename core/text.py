"""Text helpers shared by every app: Vietnamese names stored in one Unicode form, and a folded
form for search that ignores case and diacritics ("tra mang cau" finds "Trà mãng cầu")."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC form with single spaces: 'Xã  Phú Hữu' and its decomposed twin become one string."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower case without diacritics, for search keys stored beside the name."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")
