"""The home page's to-do list (ocop_portal.todo): each section for each role on known data, the
menu's count (the same totals, kept in the cache, made new when the work changes, never a query
on a page), the ladder and the page's fixed number of queries."""

import re
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.context_processors import data_as_of
from evaluations import documents, dossier, services, workflow
from evaluations.models import Evaluation, ScoreSheet
from ocop_portal import todo
from products.models import Certificate
from tests.factories import CertificateFactory, ProducerFactory, category_26
from tests.test_evaluations_support import (
    commune_report,
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    office,
    open_evaluation,
    planned_choices,
    secretary,
    to_council,
    today,
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status
LAW = "26/2026/QĐ-TTg"
EARLIER = "1489/QĐ-TTg"
HOME = "/"


@pytest.fixture
def commune(officer_co_do):
    """A commune of today (the former Cờ Đỏ district's successors)."""
    communes = [area for area in officer_co_do.areas.order_by("code") if area.is_current]
    return next(area for area in communes if area.level == area.Level.COMMUNE)


@pytest.fixture
def round_26(criteria_sets):
    return make_round(LAW)


def received(round_, commune, by, name):
    """A 26/2026 dossier the commune received today."""
    product = make_product(commune, name)
    product.category = category_26("I.1.a")
    product.save()
    return open_evaluation(round_, product, by)


def forwarded(round_, commune, by, name):
    evaluation = received(round_, commune, by, name)
    commune_report(evaluation)
    return services.evaluation_forward(evaluation=evaluation, by=by)


def returned_twice(round_, commune, by, name):
    """Returned, resubmitted, returned again with another reason (and a document asked)."""
    evaluation = forwarded(round_, commune, by, name)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=office())
    evaluation = services.evaluation_return(
        evaluation=evaluation, by=office(), comment="Lý do cũ: thiếu ảnh nhãn."
    )
    evaluation = services.evaluation_resubmit(evaluation=evaluation, by=by)
    return services.evaluation_return(
        evaluation=evaluation,
        by=office(),
        comment="Bổ sung phiếu kiểm nghiệm chất lượng còn hiệu lực.",
        documents=["Phiếu kiểm nghiệm mới"],
    )


def earlier_draft(commune, by, name):
    """A dossier under 1489/QĐ-TTg: the local officers enter its three sheets."""
    return open_evaluation(make_round(EARLIER, number=7), make_product(commune, name), by)


def expiring(area, name, days, **kwargs):
    """A certificate valid until ``days`` days from today."""
    certificate = CertificateFactory(
        product__producer=ProducerFactory(area=area), product__name=name, **kwargs
    )
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=today() + timedelta(days))
    return certificate


def section(response, slug):
    found = [s for s in response.context["todo"].sections if s.kind.slug == slug]
    return found[0] if found else None


def slugs(response):
    return [s.kind.slug for s in response.context["todo"].sections]


def names(rows):
    return [row.product.name for row in rows]


# --- Who sees which sections ------------------------------------------------------------------


def test_each_role_has_its_own_sections(login, officer_co_do, city_reviewer, administrator):
    assert slugs(login(officer_co_do).get(HOME)) == [
        "returned",
        "sheets",
        "waiting",
        "certificates",
        "requests",
    ]
    assert slugs(login(city_reviewer).get(HOME)) == ["sheets", "waiting", "certificates"]
    assert len(slugs(login(administrator).get(HOME))) == 5


def test_a_user_with_no_area_has_a_friendly_empty_state(login):
    from tests.factories import UserFactory

    response = login(UserFactory(areas=[])).get(HOME)
    assert response.context["todo"].sections == []
    assert "Chưa có việc nào dành cho bạn" in response.text
    assert "todo-count" not in response.text


def test_each_empty_section_says_what_is_done(login, officer_co_do):
    response = login(officer_co_do).get(HOME)
    assert response.context["todo"].total == 0
    assert "Bạn đã xử lý xong mọi việc" in response.text
    for kind in todo.KINDS_OF_WORK:
        assert str(kind.empty) in response.text
    assert "Không có hồ sơ nào chờ bạn." in response.text


# --- Returned to me ---------------------------------------------------------------------------


def test_a_returned_dossier_shows_for_its_commune_with_the_latest_reason(
    login, round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    evaluation = returned_twice(round_26, commune, officer_co_do, "Bưởi năm roi trả lại")
    response = login(officer_co_do).get(HOME)
    rows = section(response, "returned").rows
    assert names(rows) == ["Bưởi năm roi trả lại"]
    # The latest return, as the workflow reads it, and not the earlier one.
    assert rows[0].latest_return == workflow.latest_return(evaluation)
    assert "Bổ sung phiếu kiểm nghiệm chất lượng còn hiệu lực." in response.text
    assert "Lý do cũ" not in response.text
    assert f'href="{evaluation.get_absolute_url()}"' in response.text
    # Another commune's officer sees nothing of it; the Department has no such section.
    other = login(officer_ninh_kieu).get(HOME)
    assert section(other, "returned").total == 0
    assert "Bưởi năm roi trả lại" not in other.text
    assert section(login(city_reviewer).get(HOME), "returned") is None
    # Not twice: a returned dossier is not also "waiting" for the commune.
    assert todo.count(officer_co_do).waiting == 0


# --- Sheets -----------------------------------------------------------------------------------


def test_the_councils_sheets_wait_for_the_departments_secretary(
    login, round_26, commune, officer_co_do, city_reviewer
):
    evaluation = to_council(
        received(round_26, commune, officer_co_do, "Khô cá lóc"),
        officer=officer_co_do,
        office=office(),
    )
    response = login(city_reviewer).get(HOME)
    rows = section(response, "sheets").rows
    assert len(rows) == 3 and {row.evaluation for row in rows} == {evaluation}
    assert f'href="{rows[0].get_absolute_url()}">Phiếu của Thành viên 1: Khô cá lóc</a>' in (
        response.text
    )
    assert todo.count(officer_co_do).sheets == 0
    # One sheet entered in full: two left.
    sheet = evaluation.sheets.filter(is_council=False).order_by("member__order").first()
    choices = planned_choices(evaluation, Decimal(70), stars=3)
    services.sheet_save(sheet=sheet, by=secretary(), choices=choices, version=sheet.version)
    assert todo.count(city_reviewer).sheets == 2


def test_an_earlier_drafts_sheets_wait_for_the_local_officer(
    login, criteria_sets, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    draft = earlier_draft(commune, officer_co_do, "Mật ong 1489")
    assert todo.count(officer_co_do).sheets == 3
    assert todo.count(city_reviewer).sheets == 0
    assert todo.count(officer_ninh_kieu).sheets == 0
    # A round that closed yesterday locks its sheets; one closing today does not.
    draft.round.__class__.objects.filter(pk=draft.round_id).update(closes_on=today())
    assert todo.count(officer_co_do).sheets == 3
    draft.round.__class__.objects.filter(pk=draft.round_id).update(
        closes_on=today() - timedelta(days=1)
    )
    assert todo.count(officer_co_do).sheets == 0


def test_the_sheets_are_exactly_those_the_workflow_lets_each_user_enter(
    round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer, administrator
):
    to_council(
        received(round_26, commune, officer_co_do, "Ở hội đồng"),
        officer=officer_co_do,
        office=office(),
    )
    received(round_26, commune, officer_co_do, "Ở xã")
    earlier_draft(commune, officer_co_do, "Bản nháp 1489")
    every = list(ScoreSheet.objects.select_related("evaluation"))
    assert len(every) == 9
    for user in (officer_co_do, officer_ninh_kieu, city_reviewer, administrator):
        visible = set(Evaluation.objects.visible_to(user))
        expected = {
            sheet.pk
            for sheet in every
            if sheet.evaluation in visible
            and not sheet.is_complete
            and workflow.sheet_lock_reason(sheet.evaluation, user) is None
        }
        found = set(todo.sheets(user, today()).values_list("pk", flat=True))
        assert found == expected, user
    assert todo.count(administrator).sheets == 6


# --- Waiting for me, with deadlines ---------------------------------------------------------------


def test_the_departments_waiting_dossiers_are_sorted_by_deadline_and_late_ones_flagged(
    login, round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    late_round = make_round(LAW, number=2)
    soon_round = make_round(LAW, number=3)
    # Made in the opposite order to their deadlines.
    forwarded(round_26, commune, officer_co_do, "Hạn cuối năm")
    forwarded(late_round, commune, officer_co_do, "Đã quá hạn")
    forwarded(soon_round, commune, officer_co_do, "Sắp đến hạn")
    received(round_26, commune, officer_co_do, "Còn ở xã")
    type(late_round).objects.filter(pk=late_round.pk).update(
        forward_by=today() - timedelta(days=20), decide_by=today() - timedelta(days=1)
    )
    type(soon_round).objects.filter(pk=soon_round.pk).update(
        forward_by=today() - timedelta(days=20), decide_by=today() + timedelta(days=5)
    )
    response = login(city_reviewer).get(HOME)
    rows = section(response, "waiting").rows
    assert names(rows) == ["Đã quá hạn", "Sắp đến hạn", "Hạn cuối năm"]
    assert [row.deadline for row in rows] == [
        today() - timedelta(days=1),
        today() + timedelta(days=5),
        round_26.decide_by,
    ]
    assert [row.deadline_status.is_overdue for row in rows] == [True, False, False]
    assert response.text.count("todo-late") == 1
    late = response.text.index("todo-late")
    assert "text-bg-danger" in response.text[late : late + 300]
    assert "quá hạn" in response.text[late : late + 300]  # in words, not only in red
    # Who does what next, on each row.
    assert "Chờ kiểm tra thành phần hồ sơ" in response.text
    # The dossier still at the commune is the commune's, not the Department's.
    assert "Còn ở xã" not in names(rows)
    assert names(section(login(officer_ninh_kieu).get(HOME), "waiting").rows) == []


def test_the_communes_dossiers_wait_with_its_15_working_days(
    login, round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    fresh = received(round_26, commune, officer_co_do, "Mới nhận")
    old = received(round_26, commune, officer_co_do, "Nhận đã lâu")
    Evaluation.objects.filter(pk=old.pk).update(filed_on=today() - timedelta(days=40))
    forwarded(round_26, commune, officer_co_do, "Đã gửi tỉnh")
    rows = section(login(officer_co_do).get(HOME), "waiting").rows
    assert names(rows) == ["Nhận đã lâu", "Mới nhận"]
    old.refresh_from_db()
    assert rows[0].deadline == dossier.commune_deadline(old)
    assert rows[1].deadline == dossier.commune_deadline(fresh) > today()
    assert [row.deadline_status.is_overdue for row in rows] == [True, False]
    assert names(section(login(officer_ninh_kieu).get(HOME), "waiting").rows) == []


def test_a_dossier_waiting_for_the_centre_has_no_deadline_of_the_provinces():
    round_ = type("R", (), {"decide_by": date(2026, 12, 30), "closes_on": None})()
    evaluation = type("E", (), {"status": S.MINISTRY, "round": round_})()
    assert todo.deadline_of(evaluation) is None
    evaluation.status = S.SCORED
    assert todo.deadline_of(evaluation) == date(2026, 12, 30)


# --- Certificates to re-rate ------------------------------------------------------------------


def test_certificates_to_rerate_within_180_days_and_not_at_181(
    login, co_do, officer_co_do, officer_ninh_kieu, city_reviewer
):
    expiring(co_do, "Hết hạn sau 180 ngày", 180)
    expiring(co_do, "Hết hạn sau 181 ngày", 181)
    expiring(co_do, "Hết hạn hôm nay", 0)
    renewed = expiring(co_do, "Đã công nhận lại", 30)
    CertificateFactory(
        product=renewed.product, kind="renewal", decision_date=today() - timedelta(days=3)
    )
    response = login(officer_co_do).get(HOME)
    rows = section(response, "certificates").rows
    assert names(rows) == ["Hết hạn hôm nay", "Hết hạn sau 180 ngày"]
    assert f'href="{rows[0].product.get_absolute_url()}"' in response.text
    assert section(login(city_reviewer).get(HOME), "certificates").total == 2
    assert section(login(officer_ninh_kieu).get(HOME), "certificates").total == 0


def test_many_certificates_show_ten_and_a_link_to_all_of_them(login, co_do, officer_co_do):
    for n in range(12):
        expiring(co_do, f"Sản phẩm {n:02}", 10 + n)
    client = login(officer_co_do)
    response = client.get(HOME)
    certificates = section(response, "certificates")
    assert (certificates.total, len(certificates.rows)) == (12, 10)
    url = reverse("todo_section", args=["certificates"])
    assert f'href="{url}"' in response.text
    assert "Xem tất cả 12" in response.text
    page = client.get(url)
    assert page.status_code == 200
    assert names(page.context["page"].object_list) == [f"Sản phẩm {n:02}" for n in range(12)]


# --- Documents asked for ------------------------------------------------------------------------


def test_open_document_requests_are_the_communes_to_answer(
    login, round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    evaluation = received(round_26, commune, officer_co_do, "Bánh tét lá cẩm")
    documents.request_documents(
        evaluation=evaluation, items=["Ảnh sản phẩm", "Giấy phép kinh doanh"], by=city_reviewer
    )
    response = login(officer_co_do).get(HOME)
    rows = section(response, "requests").rows
    assert [row.title for row in rows] == ["Ảnh sản phẩm", "Giấy phép kinh doanh"]
    assert reverse("evaluations:documents", args=[evaluation.pk]) in response.text
    assert section(login(officer_ninh_kieu).get(HOME), "requests").total == 0
    assert section(login(city_reviewer).get(HOME), "requests") is None
    # Answered: no longer open.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_evaluations_support import PDF

    request = evaluation.document_requests.get(title="Ảnh sản phẩm")
    documents.add_document(
        evaluation=evaluation,
        upload=SimpleUploadedFile("anh.pdf", PDF, "application/pdf"),
        by=officer_co_do,
        request=request,
    )
    assert todo.count(officer_co_do).requests == 1


# --- The menu -------------------------------------------------------------------------------


def badge(response) -> str | None:
    """The number the menu's to-do entry shows, or None."""
    found = re.search(
        r'class="badge rounded-pill text-bg-warning todo-count">'
        r'<span class="visually-hidden">: </span>([\d+]+)',
        response.text,
    )
    return found.group(1) if found else None


def test_the_menu_counts_what_the_sections_total(login, round_26, commune, officer_co_do, co_do):
    returned_twice(round_26, commune, officer_co_do, "Trả lại")
    received(round_26, commune, officer_co_do, "Ở xã")
    earlier_draft(commune, officer_co_do, "Bản nháp")
    expiring(co_do, "Sắp hết hạn", 60)
    client = login(officer_co_do)
    response = client.get(HOME)
    totals = {s.kind.slug: s.total for s in response.context["todo"].sections}
    # Returned 1; sheets 3; waiting 2 (received, the earlier draft); 1 certificate; 1 request.
    assert totals == {"returned": 1, "sheets": 3, "waiting": 2, "certificates": 1, "requests": 1}
    assert badge(response) == "8" == str(sum(totals.values()))
    assert "việc đang chờ" in response.text  # the badge's name for screen readers
    # Every page shows the same, from the cache.
    other = client.get(reverse("areas:list"))
    assert other.context["todo_counts"].known
    assert badge(other) == "8"
    assert client.get(reverse("todo_counts")).json()["total"] == 8


def test_the_count_changes_on_the_next_page_after_a_transition(
    login, round_26, commune, officer_co_do
):
    first = received(round_26, commune, officer_co_do, "Thứ nhất")
    received(round_26, commune, officer_co_do, "Thứ hai")
    commune_report(first)
    client = login(officer_co_do)
    client.get(HOME)
    assert badge(client.get(reverse("areas:list"))) == "2"
    services.evaluation_forward(evaluation=first, by=officer_co_do)
    # The kept count is stale: the next page does not show it, and asks for the new one.
    page = client.get(reverse("areas:list"))
    assert not page.context["todo_counts"].known
    assert badge(page) is None
    assert 'data-todo-counts-url="/todo/counts.json"' in page.text
    assert "js/todo.js" in page.text
    assert client.get(reverse("todo_counts")).json() == {
        "total": 1,
        "shown": "1",
        "sections": {"returned": 0, "sheets": 0, "waiting": 1, "certificates": 0, "requests": 0},
    }
    page = client.get(reverse("areas:list"))
    assert badge(page) == "1" and "js/todo.js" not in page.text


def test_a_sheet_saved_makes_the_secretarys_count_new(
    round_26, commune, officer_co_do, city_reviewer
):
    evaluation = to_council(
        received(round_26, commune, officer_co_do, "Hội đồng chấm"),
        officer=officer_co_do,
        office=office(),
    )
    assert todo.todo_counts(city_reviewer).sheets == 3
    assert todo.kept_counts(city_reviewer).known
    sheet = evaluation.sheets.filter(is_council=False).first()
    choices = planned_choices(evaluation, Decimal(70), stars=3)
    # The sheet's save writes through update(), which no signal sees: the service says so.
    services.sheet_save(sheet=sheet, by=secretary(), choices=choices, version=sheet.version)
    assert not todo.kept_counts(city_reviewer).known
    assert todo.todo_counts(city_reviewer).sheets == 2


def test_a_certificate_saved_or_areas_changed_make_the_count_new(co_do, officer_co_do, ninh_kieu):
    assert todo.todo_counts(officer_co_do).certificates == 0
    expiring(co_do, "Mới nhập", 10)  # saved, then its validity updated
    assert not todo.kept_counts(officer_co_do).known
    assert todo.todo_counts(officer_co_do).certificates == 1
    officer_co_do.areas.add(ninh_kieu)
    assert not todo.kept_counts(officer_co_do).known
    todo.todo_counts(officer_co_do)
    ninh_kieu.officers.remove(officer_co_do)
    assert not todo.kept_counts(officer_co_do).known


def test_another_provinces_change_leaves_the_count_kept(co_do, officer_co_do, an_giang_area):
    todo.todo_counts(officer_co_do)
    ProducerFactory(area=an_giang_area)
    CertificateFactory(product__producer=ProducerFactory(area=an_giang_area))
    assert todo.kept_counts(officer_co_do).known


@pytest.fixture
def an_giang_area(can_tho):
    """A commune of An Giang, loaded beside Cần Thơ."""
    from areas.models import Area
    from areas.services import load_current_units

    load_current_units(["91"])
    return Area.objects.get(code="30337")


def test_the_menu_never_queries(co_do, officer_co_do, django_assert_num_queries):
    expiring(co_do, "Sắp hết hạn", 60)
    with django_assert_num_queries(0):
        assert not todo.kept_counts(officer_co_do).known  # cold: unknown, not counted
    todo.todo_counts(officer_co_do)
    with django_assert_num_queries(0):
        counts = todo.kept_counts(officer_co_do)
    assert counts.known and counts.total == 1


def test_with_a_warm_cache_the_menu_adds_no_query_to_a_page(login, co_do, officer_co_do, settings):
    expiring(co_do, "Sắp hết hạn", 60)
    client = login(officer_co_do)  # signing in counts the work
    url = reverse("areas:list")
    client.get(url)
    with CaptureQueriesContext(connection) as with_menu:
        response = client.get(url)
    assert badge(response) == "1"
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [p for p in processors if "todo" not in p],
            },
        }
    ]
    with CaptureQueriesContext(connection) as without_menu:
        response = client.get(url)
    assert badge(response) is None
    assert len(with_menu) == len(without_menu)


def test_signing_in_counts_the_work(client, co_do, officer_co_do):
    expiring(co_do, "Sắp hết hạn", 60)
    client.force_login(officer_co_do)
    assert todo.kept_counts(officer_co_do).total == 1


# --- The home page: the ladder, a fixed number of queries, the markup --------------------------


def test_anonymous_sees_the_public_home_and_no_list(client, can_tho):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "todo" not in response.context
    assert "Việc cần làm" not in response.text
    login_url = reverse("login")
    for url in (reverse("todo_section", args=["waiting"]), reverse("todo_counts")):
        assert client.get(url)["Location"] == f"{login_url}?next={url}"


def test_the_section_pages_ladder(
    login, round_26, commune, officer_co_do, officer_ninh_kieu, city_reviewer
):
    returned_twice(round_26, commune, officer_co_do, "Trả lại về xã")
    url = reverse("todo_section", args=["returned"])
    mine = login(officer_co_do).get(url)
    assert mine.status_code == 200 and "Trả lại về xã" in mine.text
    outsider = login(officer_ninh_kieu).get(url)
    assert outsider.status_code == 200
    assert "Trả lại về xã" not in outsider.text
    assert "Không có hồ sơ nào bị trả lại cho bạn." in outsider.text
    # Not a section of the Department's; not a section at all.
    assert login(city_reviewer).get(url).status_code == 404
    assert login(officer_co_do).get("/todo/nothing/").status_code == 404
    assert login(officer_co_do).post(url).status_code == 405


def test_the_waiting_section_page_keeps_the_deadline_order(login, round_26, commune, officer_co_do):
    fresh = received(round_26, commune, officer_co_do, "Mới nhận")
    old = received(round_26, commune, officer_co_do, "Nhận đã lâu")
    Evaluation.objects.filter(pk=old.pk).update(filed_on=today() - timedelta(days=40))
    page = login(officer_co_do).get(reverse("todo_section", args=["waiting"]))
    assert [e.pk for e in page.context["page"].object_list] == [old.pk, fresh.pk]
    assert "todo-late" in page.text


def test_the_home_pages_queries_do_not_grow_with_the_work(
    login, criteria_sets, commune, officer_co_do, co_do, django_assert_num_queries
):
    round_ = make_round(LAW)
    for i in range(2):
        received(round_, commune, officer_co_do, f"Nhận {i}")
        expiring(co_do, f"Giấy {i}", 30 + i)
    returned_twice(round_, commune, officer_co_do, "Trả lại 1")
    client = login(officer_co_do)
    data_as_of()  # the latest change asked once; each save notes it from then on
    # session, user, scope, the 4 counts (dossiers, sheets, certificates, requests), the rows
    # of each section (returned + their latest returns, waiting: keys, rows, star bands;
    # certificates, requests; no sheets), the areas and statistics (assigned areas, producers,
    # products, 2 area counts); 2 savepoints
    with django_assert_num_queries(23):
        response = client.get(HOME)
    assert response.context["todo"].total == 6
    for i in range(2, 14):
        received(round_, commune, officer_co_do, f"Nhận {i}")
        expiring(co_do, f"Giấy {i}", 30 + i)
    with django_assert_num_queries(23):
        response = client.get(HOME)
    assert section(response, "waiting").total == 14
    assert len(section(response, "waiting").rows) == todo.LIMIT


def test_the_home_page_is_readable(login, round_26, commune, officer_co_do, co_do):
    returned_twice(round_26, commune, officer_co_do, "Trả lại")
    expiring(co_do, "Sắp hết hạn", 60)
    text = login(officer_co_do).get(HOME).text
    main = text[text.index('<main id="main"') :]
    levels = [int(level) for level in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    # Each section's items are a list of links.
    assert '<ul class="list-group list-group-flush"><li class="list-group-item todo-item">' in (
        re.sub(r">\s+<", "><", main)
    )
    assert 'id="viec-can-lam"' in text
    assert f'href="{HOME}#viec-can-lam"' in text  # the menu's entry leads there
