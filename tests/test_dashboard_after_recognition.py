"""The dashboard's "Sau công nhận" on data built here: the re-rating of the certificates due in
the year by outcome (on time — decided on the expiry day —, late from the next day, in grace,
lapsed, revoked, upgraded) on the year's counting day, revocations per ground with the 15-day
deadline, inspections planned and done by kind with their findings and follow-ups, the public's
reports; per area scope, at the year's boundaries; the workbook's sheet, the years' table, the
cache made new by a change, a fixed number of queries; and the grace in "valid"."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards import after_recognition
from dashboards.after_recognition import Outcome
from dashboards.reports import certificates as dashboard_certificates
from dashboards.reports import city_dashboard, counted_on
from dashboards.rows import read_certificates
from dashboards.scope import resolve_scope
from inspections import services as inspections
from inspections.models import Inspection, InspectionPlan, PublicReport, points
from products import rerating, revocations
from products.models import Certificate, Revocation, add_months
from products.rerating import State
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

#: The current year's counting day in the tests of the rules (the day the figures are read).
TODAY = date(2026, 11, 29)


def after(user, year: int, today: date = TODAY, area=None):
    scope = resolve_scope(user, str(area.pk) if area else None)
    return city_dashboard(user, scope, year, today).after


def product_in(area, name: str):
    return ProductFactory(producer=ProducerFactory(area=area), name=name)


def due(expiry: date, area, name: str, *, stars: int = 4, **fields) -> Certificate:
    """A certificate of a new product expiring on ``expiry`` (decided 36 months before)."""
    decided = add_months(expiry + timedelta(days=1), -36)
    certificate = CertificateFactory(
        product=product_in(area, name), stars=stars, decision_date=decided, **fields
    )
    assert certificate.valid_until == expiry
    return certificate


def later(certificate: Certificate, decided: date, *, stars=None, kind="renewal") -> Certificate:
    return CertificateFactory(
        product=certificate.product,
        decision_date=decided,
        stars=stars or certificate.stars,
        kind=kind,
    )


# --- Re-rating of the certificates due in the year -------------------------------------------


@pytest.fixture
def due_2026(co_do, ninh_kieu):
    """Certificates expiring in 2026 (and two just outside it), one per outcome."""
    made = {}
    made["on the day"] = c = due(date(2026, 6, 30), co_do, "Đúng ngày hết hạn")
    later(c, date(2026, 6, 30))
    made["a day late"] = c = due(
        date(2026, 6, 30), co_do, "Muộn một ngày", extended_until=date(2026, 7, 1)
    )
    later(c, date(2026, 7, 1))
    made["after a gap"] = c = due(date(2026, 2, 28), co_do, "Sau một quãng")
    later(c, date(2026, 9, 1), stars=3)  # fewer stars: not an upgrade
    made["upgraded before"] = c = due(date(2026, 3, 31), co_do, "Nâng hạng sớm")
    later(c, date(2025, 10, 1), stars=5, kind="upgrade")
    made["upgraded late"] = c = due(date(2026, 5, 31), co_do, "Nâng hạng muộn", stars=3)
    later(c, date(2026, 8, 1), stars=4)
    made["re-rated, then upgraded"] = c = due(date(2026, 4, 30), co_do, "Nâng hạng sau")
    later(c, date(2026, 4, 1))
    later(c, date(2026, 10, 1), stars=5, kind="upgrade")  # not the re-rating's result
    made["in grace to today"] = due(date(2026, 6, 1), co_do, "Gia hạn", extended_until=TODAY)
    made["grace over yesterday"] = due(
        date(2026, 5, 25), co_do, "Hết gia hạn", extended_until=TODAY - timedelta(days=1)
    )
    made["lapsed on new year's day"] = due(date(2026, 1, 1), co_do, "Hết hạn đầu năm")
    made["window closed"] = due(date(2026, 12, 31), co_do, "Cuối năm")
    made["window open in june"] = due(date(2026, 12, 1), co_do, "Tháng mười hai")
    made["revoked"] = due(
        date(2026, 10, 31), co_do, "Thu hồi", revoked_on=date(2026, 5, 10), revoked_reason="a"
    )
    made["last day of 2025"] = due(date(2025, 12, 31), co_do, "Hết hạn cuối 2025")
    made["2027"] = due(date(2027, 1, 1), co_do, "Hết hạn 2027")
    made["ninh kieu"] = due(date(2026, 6, 30), ninh_kieu, "Ninh Kiều")
    return made


def outcomes(figures) -> dict:
    return {outcome: count for outcome, count in figures.rerating.counts.items() if count}


def outcomes_by_sql(certs, year: int, on: date) -> tuple[dict, int]:
    """The former way, one query: ``outcome_expression`` over the certificates due in the
    year, and the upgraded ones by the stars of the first later certificate."""
    first = rerating.later_certificates(on).order_by("decision_date", "pk")
    counts = (
        certs.filter(valid_until__year=year)
        .order_by()
        .annotate(
            rerating_outcome=after_recognition.outcome_expression(on, rerating.Schedule.load()),
            next_stars=Subquery(first.values("stars")[:1]),
        )
        .values("rerating_outcome")
        .annotate(
            n=Count("pk"),
            upgraded=Count(
                "pk",
                filter=Q(rerating_outcome__in=after_recognition.RERATED, next_stars__gt=F("stars")),
            ),
        )
    )
    return (
        {Outcome(row["rerating_outcome"]): row["n"] for row in counts},
        sum(row["upgraded"] for row in counts),
    )


def check_outcomes(certs, year: int, on: date) -> None:
    """The outcomes told from the rows are those the single expression gives."""
    told = after_recognition.tell_reratings(read_certificates(certs), year, on)
    figures = after_recognition.rerating_figures(told, on, rerating.Schedule.load())
    expected, upgraded = outcomes_by_sql(certs, year, on)
    assert {outcome: n for outcome, n in figures.counts.items() if n} == expected, (year, on)
    assert figures.upgraded == upgraded, (year, on)


def test_the_outcomes_from_the_rows_are_the_expressions(city_reviewer, due_2026):
    certs = Certificate.objects.all()
    # Counted on the very day a later certificate was decided, and on the days around.
    decided = set(
        certs.filter(decision_date__year__gte=2026).values_list("decision_date", flat=True)
    )
    days = {TODAY, date(2026, 6, 15), date(2026, 12, 31), date(2027, 3, 1)}
    for day in decided:
        days |= {day, day - timedelta(days=1)}
    for on in sorted(days):
        check_outcomes(certs, 2026, on)
    check_outcomes(certs, 2025, date(2025, 12, 31))


def test_each_certificate_due_in_the_year_counts_once_by_its_outcome(city_reviewer, due_2026):
    a = after(city_reviewer, 2026)
    assert a.on == TODAY and a.links_today
    assert outcomes(a) == {
        # Decided on the expiry day, before it, or re-rated then upgraded: on time.
        Outcome.RERATED_ON_TIME: 3,
        # The day after the expiry (within a grace), or after a gap: late.
        Outcome.RERATED_LATE: 3,
        # Extended until today: still in grace; until yesterday: lapsed.
        Outcome.IN_GRACE: 1,
        Outcome.LAPSED: 3,
        Outcome.LATE: 2,
        Outcome.REVOKED: 1,
    }
    # The first later certificate with more stars: the one upgraded early and the one
    # upgraded late; not the one re-rated at the same stars then upgraded, nor the fewer stars.
    assert a.rerating.upgraded == 2
    assert a.rerating.total == 13 and a.rerating.rerated == 6


def test_the_outcome_is_the_counting_days(city_reviewer, due_2026):
    """On 15/06/2026 the re-ratings decided later had not happened: the certificate then
    stood where the re-rating state says."""
    a = after(city_reviewer, 2026, today=date(2026, 6, 15))
    assert a.on == date(2026, 6, 15)
    assert outcomes(a) == {
        Outcome.RERATED_ON_TIME: 2,  # upgraded in 2025, re-rated 01/04
        Outcome.IN_GRACE: 3,  # the extensions reach past 15/06
        Outcome.LATE: 2,  # expiring 30/06, the window closed on 02/03, nothing decided yet
        Outcome.OPEN: 1,  # expiring 01/12: the window opened on 04/06
        Outcome.NOT_YET_OPEN: 1,  # expiring 31/12: the window opens on 04/07
        Outcome.LAPSED: 3,  # expired before, nothing decided yet
        Outcome.REVOKED: 1,
    }
    assert a.rerating.upgraded == 1


def test_a_past_year_counts_on_its_31_december(city_reviewer, due_2026):
    a = after(city_reviewer, 2025)
    assert a.on == date(2025, 12, 31) and not a.links_today
    # Expiring on 31/12/2025, still valid on its last day (no window before 26/2026).
    assert outcomes(a) == {Outcome.OPEN: 1}
    assert after(city_reviewer, 2027, today=date(2027, 1, 1)).rerating.total == 1


def test_an_officer_counts_only_their_areas_certificates(officer_co_do, due_2026):
    a = after(officer_co_do, 2026)
    assert a.rerating.counts[Outcome.LAPSED] == 2
    assert a.rerating.total == 12


def test_outcomes_name_the_re_rating_states_they_are():
    for outcome in (*after_recognition.PENDING, Outcome.LAPSED):
        assert State(outcome.value).name == outcome.name
        assert after_recognition.LISTED_STATES[outcome] == outcome.value
    assert State.RERATED.value not in Outcome.values
    assert set(after_recognition.OUTCOMES) == set(Outcome)


# --- Revocations ------------------------------------------------------------------------------


@pytest.fixture
def revocations_2026(co_do, ninh_kieu, city_reviewer, council_secretary):
    def proposed(area, name, ground, concluded_on):
        certificate = CertificateFactory(
            product=product_in(area, name), decision_date=date(2025, 1, 10)
        )
        return revocations.propose(
            certificate=certificate,
            ground=ground,
            concluded_on=concluded_on,
            concluded_by="Đoàn kiểm tra",
            findings="Vi phạm",
            by=city_reviewer,
            today=TODAY,
        )

    def decided(area, name, ground, concluded_on, decision_date):
        return revocations.decide(
            revocation=proposed(area, name, ground, concluded_on),
            decision_number=f"{name}/QĐ-UBND",
            decision_date=decision_date,
            by=council_secretary,
            today=TODAY,
        )

    decided(co_do, "a1", "a", date(2026, 3, 1), date(2026, 3, 16))  # the 15th day: on time
    decided(co_do, "a2", "a", date(2026, 4, 1), date(2026, 4, 17))  # the 16th day: late
    proposed(co_do, "b1", "b", date(2026, 11, 14))  # deadline today: not late yet
    proposed(co_do, "b2", "b", date(2026, 11, 13))  # deadline yesterday: late
    revocations.drop(
        revocation=proposed(co_do, "c1", "c", date(2026, 5, 1)),
        note="Đã khắc phục",
        by=council_secretary,
    )
    decided(co_do, "d1", "d", date(2025, 12, 20), date(2025, 12, 31))  # 2025's
    decided(co_do, "d2", "d", date(2025, 12, 20), date(2026, 1, 1))  # 2026's: its decision
    proposed(co_do, "dd1", "dd", date(2025, 12, 31))  # waiting: its conclusion's year
    decided(ninh_kieu, "e1", "e", date(2026, 6, 1), date(2026, 6, 5))


def grounds(rows) -> dict:
    return {
        row.ground: (row.total, row.decided, row.waiting, row.dropped, row.late) for row in rows
    }


def test_revocations_by_ground_with_the_late_ones(city_reviewer, revocations_2026):
    a = after(city_reviewer, 2026)
    # total, decided, waiting, dropped, late; every ground shown.
    assert grounds(a.revocations) == {
        "a": (2, 2, 0, 0, 1),
        "b": (2, 0, 2, 0, 1),
        "c": (1, 0, 0, 1, 0),
        "d": (1, 1, 0, 0, 0),
        "dd": (0, 0, 0, 0, 0),
        "e": (1, 1, 0, 0, 0),
    }
    total = a.revocations_total
    assert (total.total, total.decided, total.waiting, total.dropped, total.late) == (7, 4, 2, 1, 2)
    assert grounds(after(city_reviewer, 2025).revocations)["d"] == (1, 1, 0, 0, 0)
    assert grounds(after(city_reviewer, 2025).revocations)["dd"] == (1, 0, 1, 0, 1)


def test_an_officer_counts_only_their_areas_revocations(officer_co_do, revocations_2026):
    rows = grounds(after(officer_co_do, 2026).revocations)
    assert rows["e"] == (0, 0, 0, 0, 0) and rows["a"] == (2, 2, 0, 0, 1)


def test_the_revocations_list_shows_the_rows_counted(login, city_reviewer, revocations_2026):
    client = login(city_reviewer)
    page = client.get(reverse("dashboards:city"), {"year": 2026}).content.decode()
    for params, count in [
        ({"ground": "a", "status": "decided"}, 2),
        ({"ground": "a", "late": "yes"}, 1),
        ({"ground": "d"}, 1),
        ({"ground": "c", "status": "dropped"}, 1),
    ]:
        query = "&amp;".join(f"{k}={v}" for k, v in {"year": 2026, **params}.items())
        assert f'href="/products/revocations/?{query}">{count}</a>' in page, params
        listed = client.get(reverse("products:revocations"), {"year": 2026, **params})
        assert listed.context["page"].paginator.count == count, params


# --- Inspections and reports ------------------------------------------------------------------

CRITERIA, MARK = points()[0].code, points()[1].code


def results(*failed: str) -> dict:
    return {p.code: ("not_met", "Chưa đạt") if p.code in failed else ("met", "") for p in points()}


@pytest.fixture
def inspections_2026(can_tho, co_do, ninh_kieu, city_reviewer):
    by = city_reviewer

    def product(area, name):
        certificate = CertificateFactory(
            product=product_in(area, name), decision_date=date(2025, 1, 10)
        )
        return certificate.product

    def record(inspection, done_on, *failed):
        return inspections.record(
            inspection=inspection,
            by=by,
            done_on=done_on,
            inspectors="Đoàn kiểm tra",
            findings="",
            results=results(*failed),
        )

    plans = {
        year: inspections.plan_create(
            plan=InspectionPlan(province=can_tho, year=year, title=f"Kế hoạch {year}"), by=by
        )
        for year in (2025, 2026)
    }

    def line(year, name, month, area=co_do):
        return inspections.line_add(
            plan=plans[year], product=product(area, name), by=by, planned_month=month
        )

    l1 = record(line(2026, "L1", 3), date(2026, 3, 10))
    inspections.follow_up(inspection=l1, kind="none", by=by)
    l2 = record(line(2026, "L2", 5), date(2026, 5, 10), CRITERIA)
    inspections.follow_up(
        inspection=l2, kind="corrective", deadline=date(2026, 6, 10), actions="Sửa nhãn", by=by
    )  # a re-inspection planned for 10/06, never recorded: overdue
    line(2026, "L3", 12)
    record(line(2026, "L5", 4, area=ninh_kieu), date(2026, 4, 10))  # awaiting its follow-up
    k1 = record(line(2025, "K1", 12), date(2025, 12, 31))
    inspections.follow_up(inspection=k1, kind="none", by=by)
    k2 = record(line(2025, "K2", 12), date(2026, 1, 1), CRITERIA, MARK)
    inspections.follow_up(
        inspection=k2, kind="reinspection", planned_on=date(2026, 2, 1), note="Tái kiểm", by=by
    )
    r2 = record(Inspection.objects.get(follows=k2), date(2026, 2, 1))
    inspections.follow_up(inspection=r2, kind="none", by=by)
    h1 = inspections.adhoc_create(
        product=product(co_do, "H1"), reason="Phản ánh", planned_on=date(2026, 7, 1), by=by
    )
    record(h1, date(2026, 7, 2), CRITERIA)
    inspections.follow_up(inspection=h1, kind="revocation", ground="b", by=by)
    h2 = inspections.adhoc_create(
        product=product(co_do, "H2"), reason="Dấu hiệu vi phạm", planned_on=date(2026, 9, 1), by=by
    )

    def report(when: datetime, area=co_do, **fields):
        made = PublicReport.objects.create(
            product=product(area, f"PA {when}"), kind="quality", description="Hàng kém", **fields
        )
        PublicReport.objects.filter(pk=made.pk).update(created_at=timezone.make_aware(when))
        return made

    report(datetime(2025, 12, 31, 23, 59, 59))  # 2025's, local time
    report(datetime(2026, 1, 1, 0, 0))  # 2026's, though 31/12/2025 in UTC
    report(datetime(2026, 3, 1, 9), status="processing")
    report(datetime(2026, 4, 1, 9), status="closed", closing_note="Đã xác minh")
    report(datetime(2026, 5, 1, 9), status="processing", inspection=h2)
    report(datetime(2026, 6, 1, 9), area=ninh_kieu)


def kinds(rows) -> dict:
    return {row.kind: (row.planned, row.not_done, row.done, row.passed, row.failed) for row in rows}


def test_inspections_planned_and_done_by_kind(city_reviewer, inspections_2026):
    a = after(city_reviewer, 2026)
    # planned in the year, of them not done, done in the year, passed, failed
    assert kinds(a.inspections) == {
        # L1, L2, L3, L5 planned; L1, L2, L5 and 2025's K2 (done 01/01/2026) done.
        "periodic": (4, 1, 4, 2, 2),
        "ad_hoc": (2, 1, 1, 0, 1),
        # L2's (10/06, not done) and K2's (done 01/02).
        "reinspection": (2, 1, 1, 1, 0),
    }
    t = a.inspections_total
    assert (t.planned, t.not_done, t.done, t.passed, t.failed) == (8, 3, 6, 3, 3)
    assert kinds(after(city_reviewer, 2025).inspections)["periodic"] == (2, 0, 1, 1, 0)


def test_the_findings_and_what_followed(city_reviewer, inspections_2026):
    a = after(city_reviewer, 2026)
    assert {row.key: row.count for row in a.follow_ups} == {
        "pending": 1,  # L5
        "none": 2,  # L1, K2's re-inspection
        "corrective": 1,  # L2
        "corrective_overdue": 1,  # L2: 10/06 passed, its re-inspection not recorded
        "reinspection": 1,  # K2
        "revocation": 1,  # H1
    }
    failed = {row.code: row.failed for row in a.points}
    assert list(failed) == [point.code for point in points()]  # every point, in order
    assert failed[CRITERIA] == 3 and failed[MARK] == 1
    assert sum(failed.values()) == 4
    # Not overdue while the deadline is still to come.
    before = after(city_reviewer, 2026, today=date(2026, 6, 10))
    assert {row.key: row.count for row in before.follow_ups}["corrective_overdue"] == 0


def test_reports_received_in_the_year(city_reviewer, officer_co_do, inspections_2026):
    r = after(city_reviewer, 2026).reports
    assert (r.total, r.new, r.processing, r.closed, r.inspected) == (5, 2, 2, 1, 1)
    r = after(city_reviewer, 2025).reports
    assert (r.total, r.new) == (1, 1)
    r = after(officer_co_do, 2026).reports
    assert (r.total, r.new) == (4, 1)


def test_an_officer_counts_only_their_areas_inspections(officer_co_do, inspections_2026):
    a = after(officer_co_do, 2026)
    assert kinds(a.inspections)["periodic"] == (3, 1, 3, 1, 2)
    assert {row.key: row.count for row in a.follow_ups}["pending"] == 0


def test_the_lists_linked_show_the_rows_counted(login, city_reviewer, inspections_2026):
    client = login(city_reviewer)
    page = client.get(reverse("dashboards:city"), {"year": 2026}).content.decode()
    checks = [
        ("inspections:list", {"year": 2026, "kind": "periodic"}, 4),
        ("inspections:list", {"year": 2026, "kind": "periodic", "state": "planned"}, 1),
        ("inspections:list", {"done_year": 2026, "kind": "periodic"}, 4),
        ("inspections:list", {"done_year": 2026, "kind": "periodic", "result": "failed"}, 2),
        ("inspections:report_list", {"year": 2026, "status": "new"}, 2),
        ("inspections:report_list", {"year": 2026}, 5),
    ]
    for name, params, count in checks:
        query = "&amp;".join(f"{k}={v}" for k, v in params.items())
        assert f'href="{reverse(name)}?{query}">{count}</a>' in page, params
        assert client.get(reverse(name), params).context["page"].paginator.count == count


# --- The page, the workbook, the years --------------------------------------------------------


def test_the_section_is_tables_with_captions_and_row_headers(login, city_reviewer, due_2026):
    page = login(city_reviewer).get(reverse("dashboards:city"), {"year": 2025}).content.decode()
    section = page.split('id="after-recognition"')[1].split('id="budget"')[0]
    assert section.count("<table") == section.count("<caption") == 6
    assert '<th scope="row"' in section and '<th scope="col"' in section
    # A past year counts on 31/12: the re-rating page (today's states) is not linked.
    assert "/products/expiring/" not in section
    assert "31/12/2025" in section


def test_the_current_year_links_the_re_rating_page(login, city_reviewer, co_do):
    year = timezone.localdate().year
    if timezone.localdate() == date(year, 1, 1):
        pytest.skip("a certificate expiring today is still valid today")
    due(date(year, 1, 1), co_do, "Hết hạn đầu năm nay")
    page = login(city_reviewer).get(reverse("dashboards:city"), {"year": year}).content.decode()
    assert f'href="/products/expiring/?year={year}&amp;state=lapsed">1</a>' in page
    listed = login(city_reviewer).get(
        reverse("products:expiring"), {"year": year, "state": "lapsed"}
    )
    assert listed.context["page"].paginator.count == 1
    assert (
        login(city_reviewer)
        .get(reverse("products:expiring"), {"year": year - 1, "state": "lapsed"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_the_workbook_has_the_section_as_a_sheet(
    login, city_reviewer, revocations_2026, monkeypatch
):
    # The revocations' deadlines are counted from the day the fixture wrote them for.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    response = login(city_reviewer).get(reverse("dashboards:export"), {"year": 2026})
    sheet = load_workbook(io.BytesIO(response.content))["Sau công nhận"]
    assert [c.value for c in sheet[6]] == ["Phần", "Số liệu", "Số lượng"]
    cells = {(r[0].value, r[1].value): r[2] for r in sheet.iter_rows(min_row=7)}
    revoked = "Thu hồi giấy chứng nhận"
    assert cells[(revoked, "Tổng cộng: đã thu hồi")].value == 4
    assert cells[(revoked, "Tổng cộng: quá hạn 15 ngày")].value == 2
    assert cells[(revoked, "đ) Không còn hoạt động sản xuất sản phẩm OCOP: tổng")].value == 0
    assert all(cell.number_format == "#,##0" for cell in cells.values())
    assert all(isinstance(cell.value, int) for cell in cells.values())
    assert sheet.freeze_panes == "A7" and sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width <= 60


def test_the_years_table_has_the_rows_after_recognition(
    login, city_reviewer, co_do, revocations_2026, inspections_2026
):
    # Outcomes that no later day changes: re-rated on the day, a day late, lapsed.
    c = due(date(2026, 3, 31), co_do, "Đúng hạn")
    later(c, date(2026, 3, 31))
    c = due(date(2026, 4, 30), co_do, "Muộn")
    later(c, date(2026, 5, 1))
    due(date(2026, 2, 1), co_do, "Hết hiệu lực")
    due(date(2025, 6, 30), co_do, "Hết hiệu lực 2025")
    response = login(city_reviewer).get(reverse("dashboards:years"), {"from": 2025, "to": 2026})
    columns = {c.year: c.after for c in response.context["columns"]}
    assert (columns[2026].rerated_on_time, columns[2026].rerated_late) == (1, 1)
    assert (columns[2026].lapsed, columns[2025].lapsed) == (1, 1)
    # Revocations decided (a1, a2, d2, e1 in 2026; d1 in 2025) and the H1's revocation
    # proposed; inspections done.
    assert (columns[2025].revoked, columns[2026].revoked) == (1, 4)
    assert (columns[2025].inspections_done, columns[2026].inspections_done) == (1, 6)
    page = response.content.decode()
    assert 'href="/products/revocations/?year=2026&amp;status=decided">4</a>' in page
    assert 'href="/inspections/?done_year=2026">6</a>' in page


# --- The cache, the queries -------------------------------------------------------------------


def shown(client, year=2026):
    return client.get(reverse("dashboards:city"), {"year": year}).context["dashboard"].after


def test_the_cache_is_made_new_by_a_revocation_an_inspection_a_report_and_an_extension(
    login, city_reviewer, council_secretary, co_do, revocations_2026, inspections_2026
):
    client = login(city_reviewer)
    assert shown(client).revocations_total.decided == 4
    with CaptureQueriesContext(connection) as warm:
        assert shown(client).revocations_total.decided == 4
    waiting = Revocation.objects.get(certificate__product__name="b1")
    revocations.decide(
        revocation=waiting,
        decision_number="9/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        by=council_secretary,
    )
    with CaptureQueriesContext(connection) as rebuilt:
        assert shown(client).revocations_total.decided == 5
    assert len(rebuilt) > len(warm)
    # The section as drawn (a part of the page kept by what it shows) has the new count too.
    page = client.get(reverse("dashboards:city"), {"year": 2026}).content.decode()
    assert 'year=2026&amp;status=decided">5</a>' in page

    line = Inspection.objects.get(product__name="L3")
    inspections.record(
        inspection=line,
        by=city_reviewer,
        done_on=date(2026, 11, 20),
        inspectors="Đoàn",
        findings="",
        results=results(),
    )
    assert shown(client).inspections_total.done == 7

    report = PublicReport.objects.filter(status="new", created_at__year=2026).first()
    inspections.report_take(report=report, by=city_reviewer)
    assert (shown(client).reports.new, shown(client).reports.processing) == (1, 3)

    # A certificate of this year, expired on its first day: lapsed, until a late dossier's
    # extension keeps it valid.
    year = timezone.localdate().year
    certificate = due(date(year, 1, 1), co_do, "Gia hạn sau")
    before = shown(client, year).rerating.counts
    certificate.extended_until = timezone.localdate() + timedelta(days=30)
    certificate.save(update_fields=["extended_until", "updated_at"])
    now = shown(client, year).rerating.counts
    assert now[Outcome.IN_GRACE] == before[Outcome.IN_GRACE] + 1
    assert now[Outcome.LAPSED] == before[Outcome.LAPSED] - 1


def test_the_section_reads_a_fixed_number_of_queries(
    city_reviewer, co_do, django_assert_num_queries, due_2026, revocations_2026, inspections_2026
):
    scope = resolve_scope(city_reviewer, None)
    certs = dashboard_certificates(city_reviewer, scope)

    def section():
        return after_recognition.after_recognition(city_reviewer, scope, certs, 2026, TODAY, TODAY)

    def years():
        days = {year: counted_on(year, TODAY) for year in range(2018, 2027)}
        return after_recognition.years_figures(city_reviewer, scope, certs, days)

    # The certificates read once (the dashboard passes them in), the legal bases' schedule,
    # the state of those neither revoked nor re-rated, revocations, inspections, points,
    # reports.
    with django_assert_num_queries(7):
        section()
    with django_assert_num_queries(4):
        years()
    for number in range(5):
        c = due(date(2026, 7, 1 + number), co_do, f"Thêm {number}")
        later(c, date(2026, 6, 1))
    # The certificates not re-rated are the same: their state is the one kept.
    with django_assert_num_queries(6):
        assert section().rerating.counts[Outcome.RERATED_ON_TIME] == 8
    due(date(2026, 12, 20), co_do, "Chưa đánh giá lại")
    with django_assert_num_queries(7):
        assert section().rerating.counts[Outcome.LATE] == 3
    with django_assert_num_queries(4):
        assert years()[2026].rerated_on_time == 8
    cache.clear()


# --- "Valid" includes the grace ---------------------------------------------------------------


def test_a_certificate_in_its_grace_is_valid_and_not_expiring(city_reviewer, co_do):
    in_grace = due(
        TODAY - timedelta(days=1),
        co_do,
        "Tiềm năng trong gia hạn",
        score=92,
        extended_until=TODAY + timedelta(days=30),
    )
    due(TODAY + timedelta(days=10), co_do, "Sắp hết hạn")
    scope = resolve_scope(city_reviewer, None)
    d = city_dashboard(city_reviewer, scope, 2026, TODAY)
    assert d.stars.potential_five_star == 1
    assert d.stars.total == 2
    assert [row.certified for row in d.by_area] == [2]
    assert d.expiring == 1  # the one reaching its expiry, not the one past it
    in_grace.extended_until = None
    in_grace.save()
    d = city_dashboard(city_reviewer, scope, 2026, TODAY)
    assert (d.stars.potential_five_star, d.stars.total, d.expiring) == (0, 1, 1)
