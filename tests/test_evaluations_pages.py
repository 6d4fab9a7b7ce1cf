"""The evaluation pages: the permission ladder on every page, entering scores (drafts, a
refused value, a concurrent edit: nothing typed is lost), the workflow forms, locks that say
why, lists and filters, and query counts that do not grow with the rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from core.context_processors import data_as_of
from evaluations import services
from evaluations.models import Evaluation, Round
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
    planned_choices,
    scored,
    submitted,
    today,
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status


@pytest.fixture
def round_(criteria_sets):
    return make_round()


@pytest.fixture
def evaluation(round_, co_do, officer_co_do):
    return open_evaluation(round_, make_product(co_do), officer_co_do)


@pytest.fixture
def recognised(round_, co_do, officer_co_do, city_reviewer):
    evaluation = submitted(round_, make_product(co_do, "Khô cá"), officer_co_do, [76, 77, 78])
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="77/QĐ-UBND",
        decision_date=today(),
        signer="Phó Chủ tịch",
    )


def sheet_data(sheet, choices, **extra) -> dict:
    return {"version": sheet.version, **{f"c{c}": o for c, o in choices.items()}, **extra}


def checked(response) -> dict[int, int]:
    """{criterion id: option id} of the radio buttons checked on the page."""
    found = re.findall(r'name="c(\d+)" id="c\d+-\d+" value="(\d+)"[^>]*\schecked', response.text)
    return {int(c): int(o) for c, o in found}


# --- The ladder ---------------------------------------------------------------------------------

PAGES = ["evaluations:queue", "evaluations:list", "evaluations:create", "evaluations:rounds"]


@pytest.mark.parametrize("name", [*PAGES, "evaluations:round_create"])
def test_pages_need_login(client, can_tho, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
def test_pages_open_for_an_officer_and_refuse_other_methods(login, officer_co_do, name):
    client = login(officer_co_do)
    assert client.get(reverse(name)).status_code == 200
    assert client.delete(reverse(name)).status_code == 405


def test_lists_refuse_post(login, officer_co_do):
    for name in ("evaluations:queue", "evaluations:list", "evaluations:rounds"):
        assert login(officer_co_do).post(reverse(name)).status_code == 405


def test_rounds_are_set_up_by_the_city(login, officer_co_do, city_reviewer, round_):
    assert login(officer_co_do).get(reverse("evaluations:round_create")).status_code == 403
    assert (
        login(officer_co_do).get(reverse("evaluations:round_edit", args=[round_.pk])).status_code
        == 403
    )
    assert login(city_reviewer).get(reverse("evaluations:round_create")).status_code == 200
    assert (
        login(city_reviewer).get(reverse("evaluations:round_edit", args=[round_.pk])).status_code
        == 200
    )


def test_the_city_reviewer_does_not_open_evaluations(login, city_reviewer, can_tho):
    assert login(city_reviewer).get(reverse("evaluations:create")).status_code == 403


def test_the_filing_form_asks_for_the_day_received_and_the_samples(login, officer_co_do):
    """The commune's 15 working days and the legal basis count from the day it received the
    dossier (26/2026/QĐ-TTg Điều 7, 12): the form shows that field and the samples."""
    text = login(officer_co_do).get(reverse("evaluations:create")).text
    assert 'name="filed_on"' in text
    assert 'name="samples"' in text


def object_pages(evaluation) -> list[str]:
    sheet = evaluation.sheets.first()
    return [
        reverse("evaluations:detail", args=[evaluation.pk]),
        reverse("evaluations:sheet", args=[evaluation.pk, sheet.pk]),
        reverse("evaluations:round_detail", args=[evaluation.round_id]),
    ]


def test_evaluation_pages_ladder(
    client, login, evaluation, officer_co_do, officer_ninh_kieu, city_reviewer
):
    for url in object_pages(evaluation):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # The city round is visible to every officer of the city; its Cờ Đỏ evaluations are not.
    outsider = login(officer_ninh_kieu)
    for url in object_pages(evaluation)[:2]:
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url).status_code in (404, 405), url
    assert "Trà mãng cầu" not in outsider.get(object_pages(evaluation)[2]).text
    for user in (officer_co_do, city_reviewer):
        allowed = login(user)
        for url in object_pages(evaluation):
            assert allowed.get(url).status_code == 200, url
            assert allowed.put(url).status_code == 405, url


ACTIONS = [
    "submit",
    "resubmit",
    "return",
    "recognise",
    "not-recognise",
    "propose-central",
    "central-recognise",
    "central-decline",
]


@pytest.mark.parametrize("action", ACTIONS)
def test_workflow_actions_ladder(client, login, evaluation, officer_ninh_kieu, action):
    url = reverse(f"evaluations:{action}", args=[evaluation.pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login(officer_ninh_kieu).post(url).status_code == 404
    assert client.get(url).status_code == 405


def test_a_district_round_is_404_for_another_district(
    login, criteria_sets, ninh_kieu, officer_co_do
):
    round_ = make_round("148/QĐ-TTg", level="district", area=ninh_kieu)
    url = reverse("evaluations:round_detail", args=[round_.pk])
    assert login(officer_co_do).get(url).status_code == 404


def test_the_correction_page_is_for_administrators_only(
    client, login, recognised, officer_co_do, officer_ninh_kieu, city_reviewer, administrator
):
    url = reverse("evaluations:correct", args=[recognised.pk])
    assert client.get(url).status_code == 302
    assert login(officer_ninh_kieu).get(url).status_code == 404
    assert login(officer_co_do).get(url).status_code == 403
    assert login(city_reviewer).get(url).status_code == 403
    admin = login(administrator)
    assert admin.get(url).status_code == 200
    assert admin.delete(url).status_code == 405
    response = admin.post(
        url,
        {
            "decision_number": "78/QĐ-UBND",
            "decision_date": today().isoformat(),
            "signer": "X",
            "version": recognised.version,
        },
    )
    assert response.status_code == 200
    assert "Hãy ghi lý do sửa." in response.text
    assert 'value="78/QĐ-UBND"' in response.text  # what was typed is still there
    response = admin.post(
        url,
        {
            "decision_number": "78/QĐ-UBND",
            "decision_date": today().isoformat(),
            "signer": "X",
            "reason": "Nhập sai số.",
            "version": recognised.version,
        },
    )
    assert response.status_code == 302
    recognised.refresh_from_db()
    assert recognised.certificate.decision_number == "78/QĐ-UBND"


# --- Entering scores ------------------------------------------------------------------------------


def test_the_sheet_page_groups_criteria_and_shows_points(login, evaluation, officer_co_do):
    sheet = evaluation.sheets.first()
    response = login(officer_co_do).get(sheet.get_absolute_url())
    text = response.text
    assert "Phần A. Sản phẩm và sức mạnh cộng đồng" in text
    assert "A1. Tổ chức sản xuất" in text
    assert 'type="radio"' in text and 'data-points="3.00"' in text
    assert "js/score-sheet.js" in text and "defer" in text
    assert "<script>" not in text  # no inline script: only the JSON of the star bands
    assert 'id="star-bands" type="application/json"' in text
    assert "Phiếu chấm minh họa" in text


def test_a_draft_saves_part_of_a_sheet(login, evaluation, officer_co_do):
    client = login(officer_co_do)
    sheet = evaluation.sheets.first()
    choices = dict(list(planned_choices(evaluation, Decimal(70), stars=4).items())[:6])
    response = client.post(sheet.get_absolute_url(), sheet_data(sheet, choices, then="stay"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.answered, sheet.version, sheet.updated_by) == (6, 2, officer_co_do)
    response = client.get(sheet.get_absolute_url())
    assert checked(response) == choices
    assert "Đã lưu phiếu chấm" in response.text


def test_a_wrong_value_is_explained_and_nothing_typed_is_lost(login, evaluation, officer_co_do):
    client = login(officer_co_do)
    sheet = evaluation.sheets.first()
    choices = planned_choices(evaluation, Decimal(72), stars=4)
    first, second = list(choices)[:2]
    tampered = {**choices, first: choices[second]}  # an option of another criterion
    response = client.post(sheet.get_absolute_url(), sheet_data(sheet, tampered))
    assert response.status_code == 200
    assert "Mức đạt này không thuộc tiêu chí" in response.text
    shown = checked(response)
    assert {c: o for c, o in shown.items() if c != first} == {
        c: o for c, o in tampered.items() if c != first
    }
    sheet.refresh_from_db()
    assert (sheet.answered, sheet.version) == (0, 1)


def test_the_second_of_two_concurrent_saves_is_refused_and_kept_on_screen(
    client, django_user_model, login, evaluation, officer_co_do
):
    from django.test import Client

    sheet = evaluation.sheets.first()
    colleague = Client()
    colleague.force_login(officer_co_do)
    mine = login(officer_co_do)
    # Both open the sheet at version 1.
    assert mine.get(sheet.get_absolute_url()).status_code == 200
    assert colleague.get(sheet.get_absolute_url()).status_code == 200
    theirs = planned_choices(evaluation, Decimal(80), stars=4, seed=1)
    ours = planned_choices(evaluation, Decimal(60), stars=3, seed=2)
    assert colleague.post(sheet.get_absolute_url(), sheet_data(sheet, theirs)).status_code == 302

    response = mine.post(sheet.get_absolute_url(), sheet_data(sheet, ours))
    assert response.status_code == 409
    assert "Chưa lưu: phiếu này vừa được người khác lưu." in response.text
    assert checked(response) == ours  # our entries stay on screen
    assert "Bản vừa được lưu chọn" in response.text  # and the differences are marked
    sheet.refresh_from_db()
    assert sheet.version == 2
    assert services.sheet_choices([sheet])[sheet.pk] == theirs  # nothing of ours was written
    assert 'name="version" value="2"' in response.text

    # Having looked, we save again: now over the version we saw.
    response = mine.post(sheet.get_absolute_url(), sheet_data(sheet, ours))
    assert response.status_code == 302
    assert services.sheet_choices([sheet])[sheet.pk] == ours


def test_locked_sheets_say_why_and_keep_a_refused_post(
    login, criteria_sets, co_do, officer_co_do, city_reviewer
):
    round_ = make_round(closes_on=today() + timedelta(days=5))
    evaluation = open_evaluation(round_, make_product(co_do), officer_co_do)
    Round.objects.filter(pk=round_.pk).update(closes_on=today() - timedelta(days=1))
    sheet = evaluation.sheets.first()
    client = login(officer_co_do)
    page = client.get(sheet.get_absolute_url())
    assert "đã kết thúc" in page.text and "disabled" in page.text
    assert "Lưu nháp" not in page.text
    assert "đã kết thúc" in client.get(evaluation.get_absolute_url()).text
    choices = dict(list(planned_choices(evaluation, Decimal(70), stars=4).items())[:3])
    response = client.post(sheet.get_absolute_url(), sheet_data(sheet, choices))
    assert response.status_code == 200
    assert "đã kết thúc" in response.text
    assert checked(response) == choices
    # The city reviewer only reads the sheets of a draft, and is told so.
    other = open_evaluation(make_round(number=2), make_product(co_do, "Khác"), officer_co_do)
    page = login(city_reviewer).get(other.sheets.first().get_absolute_url())
    assert "bạn chỉ xem" in page.text


def test_an_administrator_correcting_a_sheet_must_give_a_reason(login, recognised, administrator):
    sheet = recognised.sheets.first()
    choices = services.sheet_choices([sheet])[sheet.pk]
    client = login(administrator)
    page = client.get(sheet.get_absolute_url())
    assert "Lý do sửa" in page.text
    response = client.post(sheet.get_absolute_url(), sheet_data(sheet, choices))
    assert response.status_code == 200
    assert "Hãy ghi lý do sửa phiếu chấm" in response.text
    assert checked(response) == choices


# --- From draft to recognised through the pages -------------------------------------------------


def test_an_officer_takes_a_product_to_recognition_with_the_city(
    login, round_, co_do, officer_co_do, city_reviewer
):
    product = make_product(co_do)
    officer = login(officer_co_do)
    response = officer.post(
        reverse("evaluations:create"), {"product": product.pk, "round": round_.pk, "kind": "new"}
    )
    evaluation = Evaluation.objects.get(product=product)
    assert response["Location"] == evaluation.get_absolute_url()
    for index, sheet in enumerate(evaluation.sheets.all()):
        choices = planned_choices(evaluation, Decimal(75 + index), stars=4, seed=index)
        assert officer.post(sheet.get_absolute_url(), sheet_data(sheet, choices)).status_code == 302
    page = officer.get(evaluation.get_absolute_url())
    assert "76,00" in page.text and "Gửi thẩm định" in page.text
    officer.post(reverse("evaluations:submit", args=[evaluation.pk]))
    evaluation.refresh_from_db()
    assert evaluation.status == S.SUBMITTED

    city = login(city_reviewer)
    assert "Trà mãng cầu Thới Hưng" in city.get(reverse("evaluations:queue")).text
    url = reverse("evaluations:recognise", args=[evaluation.pk])
    response = city.post(
        url,
        {
            "recognise-decision_number": "812/QĐ-UBND",
            "recognise-decision_date": today().isoformat(),
            "recognise-signer": "",
        },
    )
    assert response.status_code == 200  # refused next to the field, typed number kept
    assert "Trường này là bắt buộc" in response.text or "bắt buộc" in response.text
    assert 'value="812/QĐ-UBND"' in response.text
    response = city.post(
        url,
        {
            "recognise-decision_number": "812/QĐ-UBND",
            "recognise-decision_date": today().isoformat(),
            "recognise-signer": "Phó Chủ tịch UBND thành phố",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    certificate = evaluation.certificate
    product_page = officer.get(product.get_absolute_url()).text
    assert "812/QĐ-UBND" in product_page
    assert certificate.valid_until.strftime("%d/%m/%Y") in product_page
    timeline = officer.get(evaluation.get_absolute_url()).text
    for label in ("Tạo hồ sơ", "Gửi thẩm định", "Công nhận", "Phó Chủ tịch UBND thành phố"):
        assert label in timeline


def test_returning_without_a_reason_keeps_the_form_open(
    login, round_, co_do, officer_co_do, city_reviewer
):
    evaluation = submitted(round_, make_product(co_do), officer_co_do, [75, 75, 75])
    response = login(city_reviewer).post(
        reverse("evaluations:return", args=[evaluation.pk]), {"return-comment": ""}
    )
    assert response.status_code == 200
    assert "Hãy ghi lý do trả lại" in response.text
    assert '<details class="action-panel" open>' in response.text


def test_a_refused_action_is_explained(login, evaluation, officer_co_do):
    response = login(officer_co_do).post(reverse("evaluations:submit", args=[evaluation.pk]))
    assert response.status_code == 302
    page = login(officer_co_do).get(response["Location"])
    assert "Mọi thành viên hội đồng phải chấm đủ" in page.text


def test_the_city_recognises_a_round_at_once(login, round_, co_do, officer_co_do, city_reviewer):
    first = submitted(round_, make_product(co_do, "Một"), officer_co_do, [60, 60, 60])
    second = submitted(round_, make_product(co_do, "Hai"), officer_co_do, [80, 80, 80])
    client = login(city_reviewer)
    page = client.get(round_.get_absolute_url())
    assert "Công nhận cả đợt theo một quyết định" in page.text
    response = client.post(
        reverse("evaluations:round_recognise", args=[round_.pk]),
        {
            "evaluations": [first.pk, second.pk],
            "decision_number": "3787/QĐ-UBND",
            "decision_date": today().isoformat(),
            "signer": "Phó Chủ tịch UBND thành phố",
        },
    )
    assert response.status_code == 302
    assert set(
        Evaluation.objects.filter(round=round_).values_list(
            "certificate__decision_number", flat=True
        )
    ) == {"3787/QĐ-UBND"}


def test_the_city_sets_up_a_round_and_its_council(login, criteria_sets, city_reviewer, can_tho):
    data = {
        "level": "city",
        "area": can_tho.pk,
        "year": today().year,
        "number": 3,
        "opens_on": today().isoformat(),
        "closes_on": "",
        "note": "",
        "members-TOTAL_FORMS": 3,
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 1,
        "members-MAX_NUM_FORMS": 1000,
        "members-0-name": "Nguyễn Văn A",
        "members-0-role": "chair",
        "members-1-name": "Trần Thị B",
        "members-1-role": "member",
        "members-2-name": "",
        "members-2-role": "member",
    }
    client = login(city_reviewer)
    response = client.post(reverse("evaluations:round_create"), {**data, "opens_on": "31/02/2026"})
    assert response.status_code == 200
    assert 'value="Nguyễn Văn A"' in response.text
    response = client.post(reverse("evaluations:round_create"), data)
    assert response.status_code == 302
    round_ = Round.objects.get(number=3, year=today().year)
    assert list(round_.members.values_list("name", flat=True)) == ["Nguyễn Văn A", "Trần Thị B"]


# --- Lists and queues -----------------------------------------------------------------------------


def test_the_officers_queue_has_drafts_and_returned_evaluations(
    login, round_, co_do, ninh_kieu, officer_co_do, officer_ninh_kieu, city_reviewer
):
    draft = open_evaluation(round_, make_product(co_do, "Nháp"), officer_co_do)
    returned = submitted(round_, make_product(co_do, "Trả lại"), officer_co_do, [70, 70, 70])
    services.evaluation_return(evaluation=returned, by=city_reviewer, comment="Bổ sung")
    open_evaluation(round_, make_product(ninh_kieu, "Ninh Kiều"), officer_ninh_kieu)
    context = login(officer_co_do).get(reverse("evaluations:queue")).context
    assert context["drafts"] == [draft]
    assert [e.pk for e in context["returned"]] == [returned.pk]


def test_the_citys_queue_groups_by_round_and_district(
    login, round_, co_do, ninh_kieu, officer_co_do, officer_ninh_kieu, city_reviewer
):
    submitted(round_, make_product(co_do, "Một"), officer_co_do, [70, 70, 70])
    submitted(round_, make_product(ninh_kieu, "Hai"), officer_ninh_kieu, [72, 72, 72])
    groups = login(city_reviewer).get(reverse("evaluations:queue")).context["review_groups"]
    assert [group["round"] for group in groups] == [round_]
    assert [d["area"].name for d in groups[0]["districts"]] == ["Huyện Cờ Đỏ", "Quận Ninh Kiều"]


def test_the_list_filters_by_year_round_status_and_stars(
    login, round_, co_do, officer_co_do, city_reviewer
):
    three = submitted(round_, make_product(co_do, "Ba sao"), officer_co_do, [60, 60, 60])
    four = scored(round_, make_product(co_do, "Bốn sao"), officer_co_do, [75, 75, 75])
    client = login(city_reviewer)

    def found(**params):
        response = client.get(reverse("evaluations:list"), params)
        return {e.pk for e in response.context["page"].object_list}

    assert found() == {three.pk, four.pk}
    assert found(stars=3) == {three.pk}
    assert found(status="draft") == {four.pk}
    assert found(year=round_.year, round=round_.pk) == {three.pk, four.pk}
    assert found(year=2019) == set()
    assert found(q="bon sao") == {four.pk}


def test_outsiders_do_not_find_other_districts_evaluations(login, evaluation, officer_ninh_kieu):
    client = login(officer_ninh_kieu)
    assert client.get(reverse("evaluations:list")).context["page"].paginator.count == 0
    assert client.get(reverse("evaluations:queue")).context["drafts"] == []


# --- Query counts ---------------------------------------------------------------------------------


def _more(round_, co_do, officer_co_do, city_reviewer, count):
    for index in range(count):
        evaluation = submitted(
            round_, make_product(co_do, f"Sản phẩm {index}"), officer_co_do, [70, 72, 74]
        )
        if index % 2:
            services.evaluation_return(evaluation=evaluation, by=city_reviewer, comment="x")


@pytest.mark.parametrize(
    ("user", "url", "queries"),
    [
        # The queue: each section's first keys, their rows, the totals of each section.
        ("officer_co_do", "evaluations:queue", 10),  # and the latest return of each
        ("city_reviewer", "evaluations:queue", 9),
        # The list: the page's keys, then its rows.
        ("city_reviewer", "evaluations:list", 12),  # and the latest return of each
        ("city_reviewer", "evaluations:rounds", 6),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    request,
    login,
    round_,
    co_do,
    officer_co_do,
    city_reviewer,
    django_assert_num_queries,
    user,
    url,
    queries,
):
    client = login(request.getfixturevalue(user))
    data_as_of()  # the latest change asked once; each save notes it from then on
    _more(round_, co_do, officer_co_do, city_reviewer, 2)
    with django_assert_num_queries(queries):
        client.get(reverse(url))
    _more(round_, co_do, officer_co_do, city_reviewer, 4)
    with django_assert_num_queries(queries):
        client.get(reverse(url))


def test_evaluation_and_sheet_pages_have_fixed_query_counts(
    login, criteria_sets, co_do, officer_co_do, django_assert_num_queries
):
    client = login(officer_co_do)
    for members, number in ((2, 1), (5, 2)):
        evaluation = scored(
            make_round(members=members, number=number),
            make_product(co_do, f"Sản phẩm {members}"),
            officer_co_do,
            [70] * members,
        )
        sheet_url = evaluation.sheets.first().get_absolute_url()
        # Two of them: how far apart the members' totals are, before the result is sent on,
        # and the decision that replaced 1489 (its transition deadline).
        client.get(evaluation.get_absolute_url())  # the footer's time, kept from now on
        with django_assert_num_queries(14):
            client.get(evaluation.get_absolute_url())
        with django_assert_num_queries(11):
            client.get(sheet_url)


def test_round_page_query_count_does_not_grow(
    login, round_, co_do, officer_co_do, city_reviewer, django_assert_num_queries
):
    client = login(city_reviewer)
    data_as_of()  # the latest change asked once; each save notes it from then on
    _more(round_, co_do, officer_co_do, city_reviewer, 2)
    # With who had a hand in each file (nobody decides their own), read for all rows at once.
    with django_assert_num_queries(14):
        client.get(round_.get_absolute_url())
    _more(round_, co_do, officer_co_do, city_reviewer, 3)
    with django_assert_num_queries(14):
        client.get(round_.get_absolute_url())


def test_the_admin_shows_evaluations_without_changing_the_workflow(
    login, recognised, administrator
):
    client = login(administrator)
    for url in (
        reverse("admin:evaluations_evaluation_changelist"),
        reverse("admin:evaluations_evaluation_change", args=[recognised.pk]),
        reverse("admin:evaluations_round_change", args=[recognised.round_id]),
        reverse("admin:evaluations_criteriaset_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:evaluations_evaluation_add")).status_code == 403
    page = client.get(reverse("admin:evaluations_evaluation_change", args=[recognised.pk]))
    assert 'name="status"' not in page.text


def test_each_queue_section_shows_its_first_dossiers_and_links_to_the_rest(
    login, monkeypatch, round_, co_do, officer_co_do, city_reviewer
):
    """A section cut at the limit says how many there are and links to the list of that step;
    one long section never starves another (the returned ones come after the drafts)."""
    from evaluations.views import lists

    monkeypatch.setattr(lists, "QUEUE_LIMIT", 2)
    _more(round_, co_do, officer_co_do, city_reviewer, 6)  # 3 submitted, 3 returned
    for n in range(3):
        open_evaluation(round_, make_product(co_do, f"Nháp {n}"), officer_co_do)
    response = login(officer_co_do).get(reverse("evaluations:queue"))
    context = response.context
    assert len(context["returned"]) == 2 and len(context["drafts"]) == 2
    assert context["totals"]["returned"] == 3 and context["totals"]["draft"] == 3
    html = response.content.decode()
    assert html.count("queue-more") == 3  # drafts, returned, waiting at the province
    assert 'href="/evaluations/all/?status=returned"' in html
    assert 'href="/evaluations/all/?status=draft"' in html
    assert "Đang hiện 2 trong 3 hồ sơ." in html
    monkeypatch.setattr(lists, "QUEUE_LIMIT", 3)
    html = login(officer_co_do).get(reverse("evaluations:queue")).content.decode()
    assert "queue-more" not in html


def test_the_queue_is_kept_until_a_dossier_changes(
    login, round_, co_do, officer_co_do, city_reviewer
):
    """The queue's keys and totals are cached; a return by the city shows on the officer's
    next request without waiting."""
    client = login(officer_co_do)
    evaluation = submitted(round_, make_product(co_do, "Bánh pía"), officer_co_do, [70, 72, 74])
    assert client.get(reverse("evaluations:queue")).context["returned"] == []
    services.evaluation_return(evaluation=evaluation, by=city_reviewer, comment="Bổ sung")
    response = client.get(reverse("evaluations:queue"))
    assert [e.pk for e in response.context["returned"]] == [evaluation.pk]
    assert response.context["totals"]["returned"] == 1


def test_the_citys_queue_counts_every_waiting_dossier_while_showing_the_first(
    login, monkeypatch, round_, co_do, officer_co_do, city_reviewer
):
    from evaluations.views import lists

    monkeypatch.setattr(lists, "QUEUE_LIMIT", 2)
    for n in range(3):
        submitted(round_, make_product(co_do, f"Chờ {n}"), officer_co_do, [70, 72, 74])
    response = login(city_reviewer).get(reverse("evaluations:queue"))
    assert response.context["review_count"] == 3
    (group,) = response.context["review_groups"]
    assert (group["count"], group["shown"]) == (3, 2)
    html = response.content.decode()
    assert "3 hồ sơ · hiện 2 hồ sơ đầu" in html
    assert "Đang hiện 2 trong 3 hồ sơ." in html


def test_a_kept_queue_never_shows_a_dossier_of_an_area_taken_away(
    login, round_, co_do, ninh_kieu, officer_co_do, city_reviewer
):
    client = login(officer_co_do)
    evaluation = submitted(round_, make_product(co_do, "Bánh pía"), officer_co_do, [70, 72, 74])
    services.evaluation_return(evaluation=evaluation, by=city_reviewer, comment="Bổ sung")
    assert [e.pk for e in client.get(reverse("evaluations:queue")).context["returned"]] == [
        evaluation.pk
    ]
    officer_co_do.areas.set([ninh_kieu])  # no dossier saved: only the officer's areas change
    response = login(officer_co_do).get(reverse("evaluations:queue"))
    assert response.context["returned"] == []
