from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    #: A menu entry with children opens a dropdown; its own url_name is its first child's.
    children: tuple["NavItem", ...] = ()
    #: Active on its own page only, not on the pages under it.
    exact: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_active(self, path: str) -> bool:
        if self.children:
            return any(child.is_active(path) for child in self.children)
        url = self.url
        return path == url if url == "/" or self.exact else path.startswith(url)


def navigation(user) -> list[NavItem]:
    """The main menu: each role sees the entries it can use."""
    catalogue = NavItem(_("Danh mục sản phẩm"), "catalogue:list", "grid")
    if not user.is_authenticated:
        return [NavItem(_("Tổng quan"), "home", "house"), catalogue]
    if policy.is_producer_account(user):
        # Its own space (producer_space), its dossiers, its products (their certificates,
        # labels, public page and buyers) and the public catalogue; its account settings and
        # logout are in the user menu.
        own_products = (
            NavItem(_("Sản phẩm của tôi"), "producer_space:products", "box-seam"),
            NavItem(_("Giấy chứng nhận"), "producer_space:certificates", "patch-check"),
            NavItem(_("Trang công khai"), "listings:index", "shop-window"),
            NavItem(_("Kết nối tiêu thụ"), "enquiries:list", "shop"),
            NavItem(_("Tem mã QR"), "producer_space:labels", "qr-code"),
        )
        return [
            NavItem(_("Trang của tôi"), "producer_space:home", "house", exact=True),
            NavItem(_("Hồ sơ OCOP"), "online:list", "folder2-open"),
            NavItem(_("Sản phẩm"), "producer_space:products", "box-seam", children=own_products),
            catalogue,
        ]
    # Inspection after recognition concerns certified products: under "Sản phẩm" (the bar
    # has no room for another entry at 1366 px).
    products = (
        NavItem(_("Danh sách sản phẩm"), "products:list", "box-seam"),
        NavItem(_("Đánh giá lại"), "products:expiring", "hourglass-split"),
        NavItem(_("Thu hồi giấy chứng nhận"), "products:revocations", "x-octagon"),
        NavItem(_("Danh mục công khai"), "catalogue:list", "grid"),
        NavItem(_("Kiểm tra sau công nhận"), "inspections:list", "clipboard2-check"),
        NavItem(_("Kế hoạch kiểm tra"), "inspections:plan_list", "calendar-check"),
        NavItem(_("Phản ánh của người dân"), "inspections:report_list", "megaphone"),
        NavItem(_("Duyệt trang công khai"), "listing_reviews:list", "shop-window"),
        NavItem(_("Kết nối tiêu thụ"), "enquiries:list", "shop"),
    )
    return [
        NavItem(_("Tổng quan"), "home", "house"),
        NavItem(_("Bảng điều khiển"), "dashboards:city", "speedometer2"),
        NavItem(_("Chủ thể"), "subjects:list", "buildings"),
        NavItem(_("Sản phẩm"), "products:list", "box-seam", children=products),
        NavItem(_("Đánh giá"), "evaluations:queue", "clipboard-check"),
        NavItem(_("Kế hoạch"), "budgets:list", "clipboard-data"),
        NavItem(_("Địa bàn"), "areas:list", "geo-alt"),
    ]


def record_models() -> list:
    """The models whose rows carry an ``updated_at`` time (their histories excepted)."""
    return [
        model
        for model in apps.get_models()
        if any(field.name == "updated_at" for field in model._meta.fields)
        and not model._meta.model_name.startswith("historical")
    ]


def data_as_of():
    """The time of the most recent change to the portal's records (once a request: a page built
    anew and its footer ask it both): as every save notes it (``core.caching.note_change``),
    the tables asked again (one query) when nothing is noted and every ``CACHE_SECONDS``, for
    the writes the signals do not see (``QuerySet.update``, raw SQL). Every page asked every
    table after each change anywhere (a query of some 28 tables, 4 ms, mostly planning)."""
    from core.caching import per_request

    return per_request("core.data_as_of", _noted_or_asked)


def _noted_or_asked():
    from core.caching import CACHE_SECONDS, NOTED

    now = timezone.now()
    noted = cache.get(NOTED)
    if noted is not None and noted[1] > now - timedelta(seconds=CACHE_SECONDS):
        return noted[0]
    latest = _latest_change()
    cache.set(NOTED, (latest, now), None)
    return latest


def _latest_change():
    tables = [model._meta.db_table for model in record_models()]
    union = " UNION ALL ".join(f"SELECT MAX(updated_at) AS latest FROM {t}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(latest) FROM ({union}) AS changes")
        (latest,) = cursor.fetchone()
    # SQLite returns text here; convert it as the field converts its own values.
    field = record_models()[0]._meta.get_field("updated_at")
    for converter in connection.ops.get_db_converters(field.get_col(field.model._meta.db_table)):
        latest = converter(latest, None, connection)
    return latest


def portal(request: HttpRequest) -> dict:
    return {
        "nav_items": navigation(request.user),
        "data_as_of": SimpleLazyObject(data_as_of),
    }
