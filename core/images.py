"""Uploaded images: refused, from their header alone, when they hold too many pixels.

A PNG of a few kilobytes can declare 20,000 × 20,000 pixels: decoding it takes gigabytes, in
the portal or in the browser of every visitor of the catalogue. The limit is
``settings.PHOTO_MAX_PIXELS``; Pillow's own decompression-bomb error (far above it) gives the
same message instead of "not a valid image".
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def check_pixels(upload) -> None:
    """Raises a ValidationError if the image declares more than PHOTO_MAX_PIXELS pixels. A
    file that is not an image passes: the other checks say what it is."""
    from PIL import Image

    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        # On the file itself: Pillow reads the header only, whatever the file's size.
        with Image.open(upload) as image:
            pixels = image.width * image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels() from error
    except Exception:
        return
    finally:
        upload.seek(position)
    if pixels > settings.PHOTO_MAX_PIXELS:
        raise too_many_pixels()


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _("Ảnh quá lớn: tối đa %(megapixels)s megapixel. Hãy thu nhỏ ảnh rồi tải lên lại.")
        % {"megapixels": f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}".replace(".", ",")},
        code="photo_too_many_pixels",
    )


class PhotoFormField(forms.ImageField):
    """Django's ImageField, with the pixel limit checked before Django opens the image (its
    own check turns Pillow's decompression-bomb error into "not a valid image")."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            check_pixels(data)
        return super().to_python(data)


class PhotoField(models.ImageField):
    """An ImageField whose forms (the portal's and the admin's) use PhotoFormField.

    Recorded in migrations as a plain ImageField: only the form differs.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
