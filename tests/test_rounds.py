"""Rounds: the cut-offs of Quyết định 26/2026 Điều 7 (forwarded by 30/4 → decided by 30/6,
by 30/10 → by 30/12; extra rounds set by the city), how the pages count them in working days,
and the list of recognised products to attach to the decision (page, DOCX, XLSX)."""

import importlib
import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from accounts.models import User
from areas.models import Area
from areas.services import load_current_units
from core.workdays import add_working_days, deadline_status
from evaluations import decision_list, services
from evaluations.forms import RoundForm
from evaluations.models import Round
from tests.factories import UserFactory
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
    province,
    submitted,
    today,
)

pytestmark = pytest.mark.django_db


def a_round(**fields) -> Round:
    values = {
        "year": 2026,
        "number": 7,
        "level": Round.RoundLevel.CITY,
        "area": province(),
        "opens_on": date(2026, 8, 3),
    }
    return Round(**{**values, **fields})


# --- The cut-offs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "forward_by", "decide_by"),
    [
        (date(2026, 1, 5), None, date(2026, 4, 30), date(2026, 6, 30)),
        (date(2026, 6, 30), None, date(2026, 4, 30), date(2026, 6, 30)),
        (date(2026, 7, 1), None, date(2026, 10, 30), date(2026, 12, 30)),
        (date(2026, 12, 1), None, date(2026, 10, 30), date(2026, 12, 30)),
        # Closing before the cut-off, the round takes nothing after it closes.
        (date(2026, 7, 18), date(2026, 9, 23), date(2026, 9, 23), date(2026, 12, 30)),
        (date(2026, 3, 2), date(2026, 4, 30), date(2026, 4, 30), date(2026, 6, 30)),
    ],
)
def test_default_cut_offs_follow_the_half_of_the_year(opens_on, closes_on, forward_by, decide_by):
    assert Round.default_cutoffs(opens_on, closes_on) == (forward_by, decide_by)


def test_a_regular_round_is_saved_with_the_rules_cut_offs(can_tho):
    round_ = a_round()
    round_.full_clean()
    round_.save()
    round_.refresh_from_db()
    assert (round_.forward_by, round_.decide_by, round_.is_extra) == (
        date(2026, 10, 30),
        date(2026, 12, 30),
        False,
    )
    # Saved without a clean (a script, the admin's bulk edit): the rule still fills them.
    other = a_round(number=8, opens_on=date(2026, 2, 2))
    other.save()
    assert (other.forward_by, other.decide_by) == (date(2026, 4, 30), date(2026, 6, 30))


def test_cut_offs_set_by_hand_are_kept(can_tho):
    round_ = a_round(forward_by=date(2026, 9, 15), decide_by=date(2026, 11, 15))
    round_.full_clean()
    round_.save()
    assert (round_.forward_by, round_.decide_by) == (date(2026, 9, 15), date(2026, 11, 15))


def test_an_extra_round_needs_the_citys_cut_offs(can_tho):
    with pytest.raises(ValidationError) as raised:
        a_round(is_extra=True).full_clean()
    assert set(raised.value.message_dict) == {"forward_by", "decide_by"}
    assert "Đợt bổ sung" in raised.value.message_dict["forward_by"][0]
    extra = a_round(is_extra=True, forward_by=date(2026, 11, 20), decide_by=date(2027, 1, 15))
    extra.full_clean()
    extra.save()
    assert extra.decide_by == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"forward_by": date(2026, 10, 30), "decide_by": date(2026, 10, 30)},
            "decide_by",
            "Hạn quyết định công nhận phải sau hạn xã gửi hồ sơ lên.",
        ),
        (
            {"forward_by": date(2026, 10, 30), "decide_by": date(2026, 10, 29)},
            "decide_by",
            "Hạn quyết định công nhận phải sau hạn xã gửi hồ sơ lên.",
        ),
        (
            {"forward_by": date(2026, 6, 1), "decide_by": date(2026, 7, 31)},
            "decide_by",
            "Hạn quyết định công nhận không được trước ngày mở đợt.",
        ),
        (
            {"closes_on": date(2026, 10, 1), "forward_by": date(2026, 10, 2)},
            "forward_by",
            "Hạn gửi hồ sơ không được sau ngày kết thúc đợt",
        ),
    ],
)
def test_cut_offs_that_contradict_the_round_are_refused(can_tho, fields, field, message):
    with pytest.raises(ValidationError) as raised:
        a_round(**fields).full_clean()
    assert message in raised.value.message_dict[field][0]


def test_cut_offs_on_the_edges_are_accepted(can_tho):
    a_round(forward_by=date(2026, 10, 30), decide_by=date(2026, 10, 31)).full_clean()
    a_round(closes_on=date(2026, 10, 2), forward_by=date(2026, 10, 2)).full_clean()
    a_round(forward_by=date(2026, 6, 1), decide_by=date(2026, 8, 3)).full_clean()


def test_the_database_refuses_a_decision_before_the_cut_off(can_tho):
    round_ = a_round()
    round_.save()
    with pytest.raises(Exception, match="round_decides_after_the_forwarding_cut_off"):
        Round.objects.filter(pk=round_.pk).update(decide_by=date(2026, 10, 1))


def test_forward_deadline_reason(can_tho):
    round_ = a_round(forward_by=date(2026, 10, 30), decide_by=date(2026, 12, 30))
    assert round_.forward_deadline_reason(date(2026, 10, 30)) is None
    assert round_.forward_deadline_reason(date(2026, 8, 1)) is None
    assert round_.forward_deadline_reason(date(2026, 10, 31)) == (
        "Đợt này nhận hồ sơ xã gửi lên đến hết 30/10/2026; hồ sơ gửi sau sẽ vào đợt sau hoặc "
        "đợt bổ sung."
    )
    # Not yet saved, the rule's cut-off stands in.
    assert (
        a_round()
        .forward_deadline_reason(date(2026, 10, 31))
        .startswith("Đợt này nhận hồ sơ xã gửi lên đến hết 30/10/2026")
    )
    # An extra round without cut-offs: only its closing day stops it.
    extra = a_round(is_extra=True, closes_on=date(2026, 11, 2))
    assert extra.forward_deadline_reason(date(2026, 11, 2)) is None
    assert "đã kết thúc ngày 02/11/2026" in extra.forward_deadline_reason(date(2026, 11, 3))


def test_the_data_migration_fills_the_rounds_already_held(can_tho):
    migration = importlib.import_module("evaluations.migrations.0013_round_cut_offs")
    held = a_round(year=2022, number=2, opens_on=date(2022, 7, 18), closes_on=date(2022, 9, 23))
    held.save()
    first = a_round(year=2022, number=1, opens_on=date(2022, 4, 4), closes_on=date(2022, 6, 30))
    first.save()
    Round.objects.update(forward_by=None, decide_by=None)
    migration.fill_cut_offs(apps, None)
    held.refresh_from_db()
    first.refresh_from_db()
    assert (held.forward_by, held.decide_by) == (date(2022, 9, 23), date(2022, 12, 30))
    assert (first.forward_by, first.decide_by) == (date(2022, 4, 30), date(2022, 6, 30))
    assert (held.forward_by, held.decide_by) == Round.default_cutoffs(held.opens_on, held.closes_on)


# --- The round's pages --------------------------------------------------------------------------


def round_data(can_tho, **fields) -> dict:
    return {
        "level": "city",
        "area": can_tho.pk,
        "year": 2026,
        "number": 4,
        "opens_on": "2026-08-03",
        "closes_on": "",
        "is_extra": "",
        "forward_by": "",
        "decide_by": "",
        "note": "",
        "members-TOTAL_FORMS": 1,
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 1,
        "members-MAX_NUM_FORMS": 1000,
        "members-0-name": "Nguyễn Văn A",
        "members-0-role": "chair",
        **fields,
    }


def test_the_round_form_fills_and_checks_the_cut_offs(login, criteria_sets, city_reviewer, can_tho):
    client = login(city_reviewer)
    response = client.post(
        reverse("evaluations:round_create"),
        round_data(can_tho, forward_by="2026-10-30", decide_by="2026-10-01"),
    )
    assert response.status_code == 200
    assert "Hạn quyết định công nhận phải sau hạn xã gửi hồ sơ lên." in response.text
    assert not Round.objects.filter(number=4).exists()

    response = client.post(reverse("evaluations:round_create"), round_data(can_tho, is_extra="on"))
    assert response.status_code == 200
    assert "Đợt bổ sung: hãy ghi hạn xã gửi hồ sơ lên." in response.text

    response = client.post(reverse("evaluations:round_create"), round_data(can_tho))
    assert response.status_code == 302
    round_ = Round.objects.get(number=4)
    assert (round_.forward_by, round_.decide_by) == (date(2026, 10, 30), date(2026, 12, 30))


def test_the_round_page_and_list_count_the_cut_offs_in_working_days(
    login, criteria_sets, city_reviewer
):
    round_ = make_round()
    decide_by = add_working_days(today(), 5)
    Round.objects.filter(pk=round_.pk).update(
        forward_by=today() - timedelta(days=1), decide_by=decide_by
    )
    client = login(city_reviewer)
    expected = f"Hạn quyết định {decide_by:%d/%m/%Y} — "
    page = client.get(round_.get_absolute_url()).text
    assert expected in page and "còn 5 ngày làm việc" in page
    assert "đã hết hạn nhận hồ sơ" in page
    listing = client.get(reverse("evaluations:rounds")).text
    assert expected in listing and "còn 5 ngày làm việc" in listing


def test_an_overdue_decision_shows_while_dossiers_are_open(
    login, criteria_sets, co_do, officer_co_do, city_reviewer
):
    round_ = make_round()
    decide_by = add_working_days(today(), -2)
    Round.objects.filter(pk=round_.pk).update(
        forward_by=decide_by - timedelta(days=10), decide_by=decide_by
    )
    client = login(city_reviewer)
    assert "quá hạn" not in client.get(round_.get_absolute_url()).text
    open_evaluation(round_, make_product(co_do), officer_co_do)
    overdue = deadline_status(decide_by, today())
    assert overdue.is_overdue and overdue.days >= 1
    assert f"quá hạn {overdue.days} ngày làm việc" in client.get(round_.get_absolute_url()).text
    # Closed with the dossier left undone: the count stops.
    Round.objects.filter(pk=round_.pk).update(closes_on=today() - timedelta(days=1))
    page = client.get(round_.get_absolute_url()).text
    assert "quá hạn" not in page and f"Hạn quyết định {decide_by:%d/%m/%Y}" in page


# --- The decision list --------------------------------------------------------------------------


@pytest.fixture
def decided(criteria_sets, co_do, officer_co_do, city_reviewer):
    """A round with two products recognised under one decision, one still scored, and a product
    recognised in another round."""
    round_ = make_round()
    products = [
        submitted(round_, make_product(co_do, "Bánh tráng Thới Lai"), officer_co_do, [60, 61, 62]),
        submitted(round_, make_product(co_do, "Khô cá lóc"), officer_co_do, [85, 85, 86]),
    ]
    services.round_recognise(
        round=round_,
        by=city_reviewer,
        evaluations=products,
        decision_number="3787/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        signer="Phó Chủ tịch",
    )
    open_evaluation(round_, make_product(co_do, "Trà mãng cầu đang chấm"), officer_co_do)
    other = make_round(number=2)
    services.evaluation_recognise(
        evaluation=submitted(
            other, make_product(co_do, "Mật ong khác đợt"), officer_co_do, [70] * 3
        ),
        by=city_reviewer,
        decision_number="99/QĐ-UBND",
        decision_date=date(2026, 11, 21),
        signer="Phó Chủ tịch",
    )
    return round_


def docx_of(response) -> Document:
    return Document(io.BytesIO(response.content))


def test_the_round_page_lists_the_recognised_products(login, decided, city_reviewer):
    page = login(city_reviewer).get(decided.get_absolute_url()).text
    assert "Sản phẩm được công nhận (2)" in page
    assert "Kèm theo Quyết định số 3787/QĐ-UBND ngày 20/11/2026." in page
    assert "3 sao" in page and "4 sao" in page and "61,00" in page and "85,33" in page
    assert "Mật ong khác đợt" not in page
    assert reverse("evaluations:round_decision_docx", args=[decided.pk]) in page
    assert reverse("evaluations:round_decision_xlsx", args=[decided.pk]) in page


def test_the_decision_list_as_docx(login, decided, city_reviewer):
    response = login(city_reviewer).get(
        reverse("evaluations:round_decision_docx", args=[decided.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    document = docx_of(response)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    heading, table = document.tables
    heading_text = "\n".join(cell.text for cell in heading.rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading_text
    assert "Độc lập - Tự do - Hạnh phúc" in heading_text
    assert "THÀNH PHỐ CẦN THƠ" in heading_text
    paragraphs = [p.text for p in document.paragraphs]
    assert "Phụ lục: Danh sách sản phẩm OCOP được công nhận" in paragraphs
    assert (
        "(Kèm theo Quyết định số 3787/QĐ-UBND ngày 20/11/2026 của Chủ tịch Ủy ban nhân dân "
        "thành phố Cần Thơ)"
    ) in paragraphs
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][0] == "STT" and "Hạng sao" in rows[0]
    body = sorted(rows[1:], key=lambda row: row[1])
    assert [row[1] for row in body] == ["Bánh tráng Thới Lai", "Khô cá lóc"]
    assert [(row[5], row[6]) for row in body] == [("61,00", "3 sao"), ("85,33", "4 sao")]
    assert all(row[7] == "3787/QĐ-UBND ngày 20/11/2026" for row in body)
    assert all("Cờ Đỏ" in row[3] and "Cần Thơ" not in row[3] for row in body)


def test_the_decision_list_as_xlsx(login, decided, city_reviewer):
    response = login(city_reviewer).get(
        reverse("evaluations:round_decision_xlsx", args=[decided.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Phụ lục: Danh sách sản phẩm OCOP được công nhận"
    assert "3787/QĐ-UBND" in sheet["A2"].value
    header = [cell.value for cell in sheet[5]]
    assert header[:7] == [
        "STT",
        "Tên sản phẩm",
        "Chủ thể",
        "Xã, phường (huyện)",
        "Bộ sản phẩm",
        "Điểm",
        "Hạng sao",
    ]
    rows = [[cell for cell in row] for row in sheet.iter_rows(min_row=6) if row[0].value]
    assert len(rows) == 2
    by_name = {row[1].value: row for row in rows}
    assert set(by_name) == {"Bánh tráng Thới Lai", "Khô cá lóc"}
    khô = by_name["Khô cá lóc"]
    assert khô[5].value == pytest.approx(85.33)
    assert khô[5].number_format == "0.00"
    assert khô[6].value == 4 and khô[6].number_format == '0" sao"'
    assert khô[7].value == "3787/QĐ-UBND"
    assert khô[8].value.date() == date(2026, 11, 20) and khô[8].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A6"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width >= len("Bánh tráng Thới Lai")
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width


def test_an_officer_of_another_province_gets_404(client, decided):
    load_current_units(["91"])
    an_giang = Area.objects.get(code="91", valid_until__isnull=True)
    reviewer = UserFactory(username="an-giang", role=User.Role.CITY, areas=[an_giang])
    client.force_login(reviewer)
    for name in ("round_decision_docx", "round_decision_xlsx", "round_detail"):
        assert client.get(reverse(f"evaluations:{name}", args=[decided.pk])).status_code == 404


def test_anonymous_goes_to_the_login_page(client, decided):
    response = client.get(reverse("evaluations:round_decision_docx", args=[decided.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_officer_lists_only_the_products_of_their_areas(
    login, decided, ninh_kieu, officer_ninh_kieu
):
    response = login(officer_ninh_kieu).get(
        reverse("evaluations:round_decision_docx", args=[decided.pk])
    )
    assert response.status_code == 200
    table = docx_of(response).tables[1]
    assert len(table.rows) == 1  # the heading row only


def test_the_round_page_does_not_query_per_product(
    login, decided, co_do, officer_co_do, city_reviewer, django_assert_max_num_queries
):
    client = login(city_reviewer)
    client.get(decided.get_absolute_url())
    with CaptureQueriesContext(connection) as two:
        client.get(decided.get_absolute_url())
    extra = [
        submitted(decided, make_product(co_do, f"Sản phẩm {n}"), officer_co_do, [70] * 3)
        for n in range(3)
    ]
    services.round_recognise(
        round=decided,
        by=city_reviewer,
        evaluations=extra,
        decision_number="3787/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        signer="Phó Chủ tịch",
    )
    before = len(two.captured_queries)
    client.get(decided.get_absolute_url())  # the caches the decision made new
    with django_assert_max_num_queries(before):
        page = client.get(decided.get_absolute_url())
    assert "Sản phẩm được công nhận (5)" in page.text
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluations:round_decision_xlsx", args=[decided.pk]))


def test_the_documents_are_vietnamese_whatever_the_pages_language(decided, city_reviewer):
    items = decision_list.rows(decision_list.recognised(decided, city_reviewer))
    with translation.override("en"):
        document = Document(io.BytesIO(decision_list.docx_bytes(decided, items)))
        sheet = load_workbook(io.BytesIO(decision_list.xlsx_bytes(decided, items))).active
    assert "Phụ lục: Danh sách sản phẩm OCOP được công nhận" in [
        p.text for p in document.paragraphs
    ]
    assert {row.cells[6].text for row in document.tables[1].rows[1:]} == {"3 sao", "4 sao"}
    assert "85,33" in {row.cells[5].text for row in document.tables[1].rows[1:]}
    assert sheet["A5"].value == "STT"


def round_form_data(round_: Round, **fields) -> dict:
    data = {
        "level": round_.level,
        "area": round_.area_id,
        "year": round_.year,
        "number": round_.number,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat() if round_.closes_on else "",
        "is_extra": "on" if round_.is_extra else "",
        "forward_by": round_.forward_by.isoformat() if round_.forward_by else "",
        "decide_by": round_.decide_by.isoformat() if round_.decide_by else "",
        "note": "",
        "version": round_.version,
    }
    return {**data, **fields}


def test_moving_a_rounds_dates_moves_the_rules_cut_offs_not_those_set_by_hand(
    can_tho, city_reviewer
):
    round_ = a_round()
    round_.save()
    form = RoundForm(
        round_form_data(round_, opens_on="2026-03-02"), instance=round_, user=city_reviewer
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.forward_by, saved.decide_by) == (date(2026, 4, 30), date(2026, 6, 30))

    saved.refresh_from_db()
    form = RoundForm(
        round_form_data(saved, opens_on="2026-08-03", forward_by="2026-04-15"),
        instance=saved,
        user=city_reviewer,
    )
    assert not form.is_valid()  # the hand-set cut-offs stay, and contradict the new dates
    assert "Hạn quyết định công nhận không được trước ngày mở đợt." in form.errors["decide_by"]

    # Nothing but the note changes: the cut-offs stay as they are.
    saved.refresh_from_db()
    form = RoundForm(round_form_data(saved, note="Ghi chú"), instance=saved, user=city_reviewer)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.forward_by, saved.decide_by) == (date(2026, 4, 30), date(2026, 6, 30))
