from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def navigation(user) -> list[NavItem]:
    """The main menu: each role sees the entries it can use."""
    items = [
        NavItem(_("Tổng quan"), "home", "house"),
        NavItem(_("Danh mục sản phẩm"), "catalogue:list", "grid"),
    ]
    if user.is_authenticated:
        items += [
            NavItem(_("Chủ thể"), "subjects:list", "buildings"),
            NavItem(_("Sản phẩm"), "products:list", "box-seam"),
            NavItem(_("Sắp hết hạn"), "products:expiring", "hourglass-split"),
            NavItem(_("Địa bàn"), "areas:list", "geo-alt"),
        ]
    return items


def data_as_of():
    """The time of the most recent change to the portal's records, in one query."""
    from areas.models import Area
    from products.models import Certificate, Product
    from subjects.models import Producer

    tables = [m._meta.db_table for m in (Area, Producer, Product, Certificate)]
    union = " UNION ALL ".join(f"SELECT MAX(updated_at) AS latest FROM {t}" for t in tables)
    field = Area._meta.get_field("updated_at")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(latest) FROM ({union}) AS changes")
        (latest,) = cursor.fetchone()
    # SQLite returns text here; the field converts it as it converts its own values.
    converters = connection.ops.get_db_converters(field.get_col(Area._meta.db_table))
    for converter in converters:
        latest = converter(latest, None, connection)
    return latest


def portal(request: HttpRequest) -> dict:
    return {
        "nav_items": navigation(request.user),
        "data_as_of": SimpleLazyObject(data_as_of),
        "province_name": settings.OCOP_PROVINCE_NAME,
        "department_name": settings.OCOP_DEPARTMENT_NAME,
    }
