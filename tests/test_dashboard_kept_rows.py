"""A province's certificate rows kept between requests (dashboards.rows.kept_rows): whatever
is saved, the kept rows are those a full read gives, and their version moves on exactly when
a row says something else."""

from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from dashboards import reports
from dashboards.rows import (
    OVERLAP,
    _province_certificates,
    _read,
    kept_rows,
    refresh_rows,
    scope_rows,
)
from dashboards.scope import resolve_scope
from products.models import Certificate, Product
from subjects.models import Producer
from tests.factories import AreaFactory, CertificateFactory, ProducerFactory, ProductFactory


def settled():
    """The certificates, products and producers as if saved long ago (those saved within the
    window are read again with every change)."""
    long_ago = timezone.now() - timedelta(days=1)
    for model in (Certificate, Product, Producer):
        model.objects.update(updated_at=long_ago)


def _by_pk(rows):
    return sorted(rows, key=lambda row: row["pk"])


def kept(province):
    kept = kept_rows(province)
    return kept.version, _by_pk(kept.load())


def full_read(province):
    return _by_pk(_read(_province_certificates(province)))


def assert_kept_is_read(province):
    version, rows = kept(province)
    assert rows == full_read(province)
    return version


def test_a_certificate_saved_as_it_was_keeps_the_version(can_tho, co_do):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first = assert_kept_is_read(can_tho)
    certificate.save()
    assert assert_kept_is_read(can_tho) == first


def test_a_changed_certificate_moves_the_version(can_tho, co_do):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first = assert_kept_is_read(can_tho)
    certificate.stars = 3
    certificate.save()
    second = assert_kept_is_read(can_tho)
    assert second != first
    # Read again without a change: the patched rows are kept, the version stays.
    assert assert_kept_is_read(can_tho) == second


def test_a_new_certificate_is_patched_in_with_its_products_others(can_tho, co_do):
    elsewhere = AreaFactory(code="89", name="An Giang", kind="province", parent=None)
    town = AreaFactory(code="883", name="Long Xuyên", kind="city", parent=elsewhere)
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    CertificateFactory(product=product, area=town, decision_date=date(2021, 5, 4))
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first, rows = kept(can_tho)
    assert product.pk not in {row["product_id"] for row in rows}
    CertificateFactory(product=product, decision_date=date(2024, 6, 1))
    assert assert_kept_is_read(can_tho) != first
    assert len([row for row in kept(can_tho)[1] if row["product_id"] == product.pk]) == 2


def test_a_certificate_of_another_province_leaves_the_version(can_tho, co_do):
    elsewhere = AreaFactory(code="89", name="An Giang", kind="province", parent=None)
    town = AreaFactory(code="883", name="Long Xuyên", kind="city", parent=elsewhere)
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first = assert_kept_is_read(can_tho)
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=town)))
    assert assert_kept_is_read(can_tho) == first


def test_a_deleted_certificate_reads_the_rows_again(can_tho, co_do):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first = assert_kept_is_read(can_tho)
    certificate.delete()
    assert assert_kept_is_read(can_tho) != first


def test_a_producer_or_product_changed_is_patched_in(can_tho, co_do):
    """A product or producer saved: its rows read again by themselves, not the province's."""
    producer = ProducerFactory(area=co_do, kind=Producer.Kind.HOUSEHOLD)
    product = ProductFactory(producer=producer)
    CertificateFactory(product=product)
    other = ProducerFactory(area=co_do)
    CertificateFactory(product=ProductFactory(producer=other))
    settled()
    first = kept_rows(can_tho)
    assert_kept_is_read(can_tho)
    producer.kind = Producer.Kind.ENTERPRISE
    producer.save()
    second = kept_rows(can_tho)
    assert second.version != first.version and second.base == first.base
    assert assert_kept_is_read(can_tho) == second.version
    product.producer = other
    product.save()
    third = kept_rows(can_tho)
    assert third.version != second.version and third.base == first.base
    assert_kept_is_read(can_tho)
    # Saved as it was: the version stays.
    product.save()
    assert kept_rows(can_tho).version == third.version


def test_a_producer_moved_takes_its_certificates_out_of_an_officers_figures(
    can_tho, co_do, ninh_kieu, officer_co_do
):
    """Whose a certificate is follows its producer's area (``visible_to``): moved to another
    district, its certificates leave the officer's counted ones, though recognised in theirs."""
    producer = ProducerFactory(area=co_do)
    CertificateFactory(product=ProductFactory(producer=producer), area=co_do)
    scope = resolve_scope(officer_co_do, None)

    def counted():
        rows = scope_rows(reports.certificates(officer_co_do, scope), can_tho)
        return [row["counted"] for row in rows]

    assert counted() == [True]
    producer.area = ninh_kieu
    producer.save()
    assert counted() == []
    producer.area = co_do
    producer.save()
    assert counted() == [True]


def test_a_certificate_committed_late_is_read_within_the_overlap(can_tho, co_do):
    """A transaction committed after the rows were read, with an ``updated_at`` from before:
    re-read while it lies within ``OVERLAP`` of the read (not beyond: the bound is
    ``CACHE_SECONDS``, when the rows are read in full again)."""
    late = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    too_late = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    settled()
    kept(can_tho)
    now = timezone.now()
    Certificate.objects.filter(pk=late.pk).update(
        stars=5, updated_at=now - OVERLAP + timedelta(seconds=30)
    )
    Certificate.objects.filter(pk=too_late.pk).update(
        stars=5, updated_at=now - OVERLAP - timedelta(minutes=1)
    )
    stars = {row["pk"]: row["stars"] for row in kept(can_tho)[1]}
    assert stars[late.pk] == 5
    assert stars[too_late.pk] == 4


def test_nothing_saved_since_the_last_look_costs_one_query(can_tho, co_do):
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    first = assert_kept_is_read(can_tho)
    with CaptureQueriesContext(connection) as queries:
        assert kept_rows(can_tho).version == first
    # Certificates, products and producers saved since: an aggregate each.
    assert len(queries) == 3, [query["sql"] for query in queries]


def test_a_certificate_saved_again_and_committed_late_is_seen(can_tho, co_do):
    """Saved again with a time from before the last look (a transaction that committed after
    it): the number saved since is the same, the sum of their times is not."""
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    other = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    kept(can_tho)
    now = timezone.now()
    Certificate.objects.filter(pk=other.pk).update(updated_at=now)
    kept(can_tho)  # both within the window, looked at
    Certificate.objects.filter(pk=certificate.pk).update(
        stars=5, updated_at=now - timedelta(seconds=1)
    )
    stars = {row["pk"]: row["stars"] for row in kept(can_tho)[1]}
    assert stars[certificate.pk] == 5


def test_an_import_reads_the_rows_in_full(can_tho, co_do, monkeypatch):
    """More products saved since the last look than ``PATCH_LIMIT``: one full read of the
    province, not the rows of every product saved in the country."""
    monkeypatch.setattr("dashboards.rows.PATCH_LIMIT", 2)
    products = [ProductFactory(producer=ProducerFactory(area=co_do)) for _ in range(3)]
    settled()
    CertificateFactory(product=products[0])
    first = assert_kept_is_read(can_tho)
    CertificateFactory(product=products[1])
    patched = kept_rows(can_tho)
    assert patched.base.endswith(first) and patched.patched
    CertificateFactory(product=products[2])
    read = kept_rows(can_tho)
    assert read.base != patched.base and not read.patched
    assert _by_pk(read.load()) == full_read(can_tho)


def test_the_rows_are_read_in_full_again_after_the_cache_seconds(can_tho, co_do, monkeypatch):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    settled()
    first = assert_kept_is_read(can_tho)
    Certificate.objects.filter(pk=certificate.pk).update(
        stars=5, updated_at=timezone.now() - timedelta(days=1)
    )
    assert kept(can_tho)[0] == first  # unseen by the patch: its time is long past
    later = timezone.now() + timedelta(seconds=reports.CACHE_SECONDS)
    monkeypatch.setattr("dashboards.rows.timezone.now", lambda: later)
    assert assert_kept_is_read(can_tho) != first


def test_figures_are_counted_again_only_when_the_rows_change(can_tho, co_do, city_reviewer):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    scope = resolve_scope(city_reviewer, None)
    today = timezone.localdate()
    figures = reports.certificate_figures(city_reviewer, scope, 2024, today)
    assert figures.totals["n2024_4"] == 1

    certificate.save()
    with CaptureQueriesContext(connection) as queries:
        same = reports.certificate_figures(city_reviewer, scope, 2024, today)
    assert same.key == figures.key
    # Whether one was saved (three aggregates), the products saved since and their rows; the
    # scope's keys not asked.
    assert len(queries) == 5

    certificate.stars = 3
    certificate.save()
    changed = reports.certificate_figures(city_reviewer, scope, 2024, today)
    assert changed.key != figures.key
    assert (changed.totals["n2024_4"], changed.totals["n2024_3"]) == (0, 1)


def _areas_table(page) -> str:
    html = page.content.decode()
    return html[html.index('id="areas"') : html.index('id="kinds"')]


def test_the_page_draws_the_changed_figures(can_tho, co_do, city_reviewer, login):
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    client = login(city_reviewer)
    before = _areas_table(client.get("/dashboard/?year=2024"))
    assert f'?area={co_do.pk}&amp;year=2024">1</a>' in before

    certificate.save()  # nothing changed: the part is the kept one
    assert _areas_table(client.get("/dashboard/?year=2024")) == before

    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    after = _areas_table(client.get("/dashboard/?year=2024"))
    assert f'?area={co_do.pk}&amp;year=2024">2</a>' in after


def test_the_rows_kept_serve_the_scopes_and_the_years_page(can_tho, co_do, city_reviewer):
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    kept_rows(can_tho)
    scope = resolve_scope(city_reviewer, None)
    with CaptureQueriesContext(connection) as queries:
        rows = scope_rows(reports.certificates(city_reviewer, scope), can_tho)
    assert [row["counted"] for row in rows] == [True]
    # Whether a record was saved since (none: three aggregates), the scope's areas and its
    # certificates' keys: the province's certificates are not read again.
    assert len(queries) == 5, [query["sql"] for query in queries]


def test_a_certificate_moved_out_of_the_scope_is_no_longer_counted(
    can_tho, co_do, ninh_kieu, city_reviewer
):
    """Which certificates a scope counts is kept with the rows and asked again for those
    saved since."""
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    scope = resolve_scope(city_reviewer, str(co_do.pk))
    assert [
        row["counted"] for row in scope_rows(reports.certificates(city_reviewer, scope), can_tho)
    ] == [True]
    certificate.area = ninh_kieu
    certificate.save()
    assert scope_rows(reports.certificates(city_reviewer, scope), can_tho) == []
    certificate.area = co_do
    certificate.save()
    assert [
        row["counted"] for row in scope_rows(reports.certificates(city_reviewer, scope), can_tho)
    ] == [True]


def test_no_certificate_can_be_counted_in_an_empty_scope(can_tho, co_do):
    CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    assert scope_rows(Certificate.objects.filter(area__in=[]), can_tho) == []


def test_each_part_is_drawn_again_when_what_it_shows_changes(can_tho, co_do, city_reviewer):
    certificate = CertificateFactory(
        product=ProductFactory(producer=ProducerFactory(area=co_do)), stars=4
    )
    scope = resolve_scope(city_reviewer, None)
    today = timezone.localdate()
    before = reports.city_dashboard(city_reviewer, scope, 2024, today).part_keys
    assert set(before) == {"charts", "areas", "kinds", "after"}
    assert reports.city_dashboard(city_reviewer, scope, 2024, today).part_keys == before

    certificate.stars = 3  # the charts by stars change; the areas, kinds and sectors do not
    certificate.save()
    after = reports.city_dashboard(city_reviewer, scope, 2024, today).part_keys
    assert after["charts"] != before["charts"]
    assert (after["areas"], after["kinds"], after["after"]) == (
        before["areas"],
        before["kinds"],
        before["after"],
    )

    # Another year, another area, another language: other parts.
    def keys(scope, year=2024):
        return reports.city_dashboard(city_reviewer, scope, year, today).part_keys

    assert keys(scope, 2023)["areas"] != after["areas"]
    assert keys(scope, 2023)["after"] != after["after"]
    assert keys(resolve_scope(city_reviewer, str(co_do.pk)))["kinds"] != after["kinds"]
    with translation.override("en"):
        assert keys(scope)["charts"] != after["charts"]


def test_with_a_task_queue_the_rows_are_read_again_on_it(can_tho, co_do, settings, monkeypatch):
    """Past ``CACHE_SECONDS`` the request goes on with the rows it has and the queue reads
    them in full, once; past twice that, the request reads them itself."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    queued = []
    monkeypatch.setattr("dashboards.rows.jobs.enqueue", lambda *args: queued.append(args))
    certificate = CertificateFactory(product=ProductFactory(producer=ProducerFactory(area=co_do)))
    settled()
    first = assert_kept_is_read(can_tho)
    Certificate.objects.filter(pk=certificate.pk).update(
        stars=5, updated_at=timezone.now() - timedelta(days=1)
    )
    start = timezone.now()
    monkeypatch.setattr(
        "dashboards.rows.timezone.now", lambda: start + timedelta(seconds=reports.CACHE_SECONDS)
    )
    assert kept(can_tho)[0] == first
    assert kept(can_tho)[0] == first
    assert queued == [(refresh_rows, can_tho.pk)]  # once

    refresh_rows(can_tho.pk)
    assert assert_kept_is_read(can_tho) != first

    # The queue's read not done twice the time after: the request reads them.
    cache.clear()
    monkeypatch.setattr("dashboards.rows.timezone.now", lambda: start)
    first = kept(can_tho)[0]
    monkeypatch.setattr(
        "dashboards.rows.timezone.now",
        lambda: start + timedelta(seconds=2 * reports.CACHE_SECONDS),
    )
    assert kept(can_tho)[0] != first


def test_a_certificate_saved_leaves_the_inspections_and_evaluations_kept(
    can_tho, co_do, city_reviewer
):
    from inspections.models import PublicReport

    product = ProductFactory(producer=ProducerFactory(area=co_do))
    certificate = CertificateFactory(product=product, decision_date=date(2026, 3, 1))
    scope = resolve_scope(city_reviewer, None)
    today = date(2026, 11, 29)
    assert reports.city_dashboard(city_reviewer, scope, 2026, today).after.reports.total == 0

    certificate.stars = 3
    certificate.save()
    with CaptureQueriesContext(connection) as queries:
        reports.city_dashboard(city_reviewer, scope, 2026, today)
    read = " ".join(query["sql"] for query in queries)
    assert '"inspections_' not in read
    assert '"evaluations_round"."year" AS "round__year"' not in read

    PublicReport.objects.create(product=product, kind="quality", description="Hàng kém")
    assert reports.city_dashboard(city_reviewer, scope, 2026, today).after.reports.total == 1
