"""Text helpers shared by every app: Vietnamese names stored in one Unicode form, a folded
form for search that ignores case and diacritics ("tra mang cau" finds "Trà mãng cầu"), and
no control characters in stored text."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"\s+")
#: C0 controls, DEL and C1 controls except tab, line feed and carriage return. A spreadsheet
#: refuses them (openpyxl raises: the export answered 500), screens do not show them, and no
#: one types them on purpose: they come from pasted text or from an attack.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The same and tab, line feed and carriage return: a single-line field has no use for them.
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """NFC form with single spaces: 'Xã  Phú Hữu' and its decomposed twin become one string."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower case without diacritics, for search keys stored beside the name."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def strip_control(text: str) -> str:
    """The text without control characters (tab and line breaks kept).

    Exports use it: the validator below refuses them on input, but a value stored before it
    existed, or written around it (a script, ``QuerySet.update``), must not break a file.
    """
    return _CONTROL.sub("", text)


@deconstructible
class NoControlCharacters:
    """Refuses text holding a control character, naming the first one found (U+0007).

    Single-line text refuses tab and line breaks too; multi-line text (a TextField, a textarea)
    keeps them. Attached to every CharField and TextField of the portal's models in
    ``core.apps`` and to the text fields of the forms that are not model forms.
    """

    message = _("Không được chứa ký tự điều khiển (mã %(code)s).")
    code = "control_character"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = (_CONTROL if self.multiline else _CONTROL_OR_BREAK).search(value)
        if found:
            raise ValidationError(
                self.message, code=self.code, params={"code": f"U+{ord(found.group()):04X}"}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((NoControlCharacters, self.multiline))


single_line = NoControlCharacters()
multi_line = NoControlCharacters(multiline=True)
