"""Cached pages are made new per province and per kind of record (core/caching.py)."""

from core.caching import cached_until_changed, province_of
from tests.factories import AreaFactory, CertificateFactory, ProducerFactory, ProductFactory


def _counting(built: list, name: str, province: str, kinds=None):
    def build(today):
        built.append(name)
        return name

    return cached_until_changed(name, build, province=province, kinds=kinds)[0]


def test_a_change_in_one_province_leaves_the_other_warm(can_tho, co_do):
    other = AreaFactory(code="89", name="An Giang", kind="province", parent=None)
    built = []
    for _ in range(2):
        _counting(built, "dashboard.ct", "92")
        _counting(built, "dashboard.ag", "89")
    assert built == ["dashboard.ct", "dashboard.ag"]

    ProductFactory(producer=ProducerFactory(area=co_do))
    _counting(built, "dashboard.ct", "92")
    _counting(built, "dashboard.ag", "89")
    assert built[2:] == ["dashboard.ct"]

    ProducerFactory(area=other)
    _counting(built, "dashboard.ct", "92")
    _counting(built, "dashboard.ag", "89")
    assert built[3:] == ["dashboard.ag"]


def test_a_change_of_another_kind_leaves_the_key_warm(can_tho, co_do):
    producer = ProducerFactory(area=co_do)
    built = []
    _counting(built, "catalogue.x", "92", kinds=("products",))
    producer.save()  # a "subjects" record
    _counting(built, "catalogue.x", "92", kinds=("products",))
    assert built == ["catalogue.x"]
    ProductFactory(producer=producer)
    _counting(built, "catalogue.x", "92", kinds=("products",))
    assert built == ["catalogue.x", "catalogue.x"]


def test_a_key_of_one_model_follows_its_saves_and_one_of_removals_its_deletions(can_tho, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    certificate = CertificateFactory(product=product)
    built = []
    _counting(built, "rows.products", "92", kinds=("products.product",))
    _counting(built, "rows.removed", "92", kinds=("products.certificate:removed",))
    certificate.save()  # a "products" record of another model, not removed
    _counting(built, "rows.products", "92", kinds=("products.product",))
    _counting(built, "rows.removed", "92", kinds=("products.certificate:removed",))
    assert built == ["rows.products", "rows.removed"]
    product.save()
    _counting(built, "rows.products", "92", kinds=("products.product",))
    _counting(built, "rows.removed", "92", kinds=("products.certificate:removed",))
    assert built[2:] == ["rows.products"]
    certificate.delete()
    _counting(built, "rows.products", "92", kinds=("products.product",))
    _counting(built, "rows.removed", "92", kinds=("products.certificate:removed",))
    assert built[3:] == ["rows.removed"]


def test_a_national_key_follows_every_province(can_tho, co_do):
    built = []
    _counting(built, "catalogue.all", None)
    ProducerFactory(area=co_do)
    _counting(built, "catalogue.all", None)
    assert built == ["catalogue.all", "catalogue.all"]


def test_the_province_of_a_record(can_tho, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    assert province_of(product) == "92"
    assert province_of(can_tho) == "92"


def test_a_value_is_computed_once_per_request_and_afresh_outside_one(db):
    from django.core.signals import request_finished, request_started

    from core.caching import per_request

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert per_request("k", compute) == 1
    assert per_request("k", compute) == 2  # no request: nothing kept
    request_started.send(sender=None)
    try:
        assert per_request("k", compute) == 3
        assert per_request("k", compute) == 3
    finally:
        request_finished.send(sender=None)
    assert per_request("k", compute) == 4  # the next request starts afresh


def test_a_record_saved_in_a_request_makes_what_it_kept_asked_again(can_tho):
    # begin/end_request directly: the request signals also close the test's connection.
    from core.caching import begin_request, end_request, per_request

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    begin_request()
    try:
        assert per_request("k", compute) == 1
        assert per_request("k", compute) == 1
        AreaFactory(code="89", name="An Giang", kind="province", parent=None)
        assert per_request("k", compute) == 2
        assert per_request("k", compute) == 2
    finally:
        end_request()


def test_the_home_province_is_asked_of_the_shared_cache_once_a_page(
    login, city_reviewer, settings, monkeypatch
):
    """The work queue asked Redis for it once per row (90 round trips on a page)."""
    from areas import provinces

    settings.OCOP_PROVINCE_CODE = ""
    asked = []
    original = provinces._cached_home_code
    monkeypatch.setattr(provinces, "_cached_home_code", lambda: asked.append(1) or original())
    client = login(city_reviewer)
    for path in ("/evaluations/", "/dashboard/", "/products/"):
        asked.clear()
        assert client.get(path).status_code == 200
        assert len(asked) <= 1, path


def test_a_translation_still_to_be_made_is_kept_as_the_text_of_the_keys_language(db):
    """A lazy translation in a kept result comes back as plain text, in the language the key
    was made for (each language has its own key)."""
    from django.utils.functional import Promise
    from django.utils.translation import gettext_lazy, override

    def build(today):
        return {"label": gettext_lazy("Tổng cộng")}

    def kept(language):
        with override(language):
            return cached_until_changed("dashboard.words", build, province="92")[0]["label"]

    assert isinstance(kept("en"), Promise)  # built: as it was made
    assert kept("en") == "Total" and type(kept("en")) is str
    assert kept("vi") == "Tổng cộng" and type(kept("vi")) is str
