"""The area-code column of the registry's spreadsheets."""

from django.db.models import F
from django.utils.translation import gettext as _
from import_export import widgets

from areas.models import Area


class AreaWidget(widgets.Widget):
    """An area by its official code, among the areas the importing user works in."""

    def clean(self, value, row=None, user=None, **kwargs):
        if value is None or value == "":
            return None
        code = str(value)
        # The code of today's unit, or of a former district for records made before the 2025
        # reorganisation; today's unit first.
        areas = Area.objects.filter(code=code).order_by(F("valid_until").desc(nulls_first=True))
        area = areas.visible_to(user).first()
        if area is None:
            if areas.exists():
                raise ValueError(
                    _("Địa bàn có mã %(code)s không thuộc địa bàn bạn phụ trách.") % {"code": code}
                )
            raise ValueError(_("Không tìm thấy địa bàn có mã %(code)s.") % {"code": code})
        return area

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""
