from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
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
    items = [NavItem(_("Tổng quan"), "home", "house")]
    if user.is_authenticated:
        items.append(NavItem(_("Địa bàn"), "areas:list", "geo-alt"))
    return items


def data_as_of():
    """The time of the most recent change to the portal's records."""
    from areas.models import Area

    return Area.objects.aggregate(latest=Max("updated_at"))["latest"]


def portal(request: HttpRequest) -> dict:
    return {
        "nav_items": navigation(request.user),
        "data_as_of": SimpleLazyObject(data_as_of),
        "province_name": settings.OCOP_PROVINCE_NAME,
        "department_name": settings.OCOP_DEPARTMENT_NAME,
    }
