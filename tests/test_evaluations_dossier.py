"""The commune's step of a two-level dossier (26/2026/QĐ-TTg Điều 6–7): the producer's
self-assessment (Mẫu 02), the commune's report (Mẫu 03), what must be done before the dossier
goes to the province, the commune's 15 working days, and the printed forms 01–03."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluations import dossier
from evaluations.models import Contribution, Evaluation, SelfAssessment
from evaluations.scoring import SheetStructure
from tests.factories import category_26
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status
TODAY = date(2026, 11, 29)

COMPLETE = {
    "samples": 5,
    "local_materials": "Bưởi trồng tại ấp Thới Hưng, 12 ha của hợp tác xã.",
    "local_labour": "18 lao động, 15 thường trú tại xã.",
    "idea_origin": "Sản phẩm truyền thống của vùng.",
    "local_identity": "Giống bưởi bản địa, kinh nghiệm canh tác lâu đời.",
    "commune_letter": "125/UBND-KT",
    "preassessed_on": date(2026, 11, 20),
}


def received(product, by, *, status=S.RECEIVED, number=1, **fields) -> Evaluation:
    """A 26/2026 evaluation as the commune received it (the status set directly)."""
    evaluation = open_evaluation(make_round("26/2026/QĐ-TTg", number=number), product, by)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=status,
        filed_on=date(2026, 11, 2),
        registration_number=f"{6 + number:02d}/PĐK-92-31117-2026",
    )
    if fields:
        Evaluation.objects.filter(pk=evaluation.pk).update(**fields)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def commune(co_do):
    return co_do.successors.order_by("code").first()


@pytest.fixture
def pomelo(criteria_sets, commune):
    product = make_product(commune, "Bưởi da xanh Thới Hưng")
    product.category = category_26("I.1.a")
    product.save()
    return product


@pytest.fixture
def dossier_(pomelo, officer_co_do) -> Evaluation:
    return received(pomelo, officer_co_do)


def claim_first(evaluation, by) -> tuple[int, int]:
    structure = SheetStructure.load(evaluation.criteria_set)
    criterion = next(iter(structure.criteria.values()))
    option = criterion.options[-1]
    dossier.self_assessment_save(
        evaluation=evaluation,
        by=by,
        choices={criterion.id: option.id},
        evidence={criterion.id: "Hợp đồng liên kết vùng nguyên liệu."},
        version=evaluation.version,
    )
    evaluation.refresh_from_db()
    return criterion.id, option.id


def complete(evaluation, by) -> Evaluation:
    claim_first(evaluation, by)
    return dossier.preassessment_save(
        evaluation=evaluation, by=by, values=COMPLETE, version=evaluation.version, today=TODAY
    )


# --- Who may change the commune's part ---------------------------------------------------------


def test_the_communes_officer_edits_while_the_dossier_is_at_the_commune(
    dossier_, officer_co_do, officer_ninh_kieu, city_reviewer
):
    assert dossier.commune_edit_reason(dossier_, officer_co_do) is None
    assert dossier.commune_edit_reason(dossier_, officer_ninh_kieu)
    assert dossier.commune_edit_reason(dossier_, city_reviewer)
    dossier_.status = S.RETURNED
    assert dossier.commune_edit_reason(dossier_, officer_co_do) is None
    dossier_.status = S.FORWARDED
    assert dossier.commune_edit_reason(dossier_, officer_co_do) == (
        "Hồ sơ đã gửi lên tỉnh: phần của xã đã khóa."
    )


def test_a_dossier_of_an_earlier_decision_has_no_commune_step(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round("1489/QĐ-TTg"), make_product(co_do), officer_co_do)
    assert "1489/QĐ-TTg" in dossier.commune_edit_reason(evaluation, officer_co_do)


# --- Samples and the commune's deadline --------------------------------------------------------


def test_five_samples_but_for_the_tourism_set(criteria_sets, commune, officer_co_do, dossier_):
    assert dossier.needs_samples(dossier_)
    tour = make_product(commune, "Du lịch sinh thái Cồn Sơn")
    tour.category = category_26("VI.1")
    tour.save()
    evaluation = received(tour, officer_co_do, number=2)
    assert not dossier.needs_samples(evaluation)
    assert not any("mẫu" in item and "05" in item for item in dossier.forward_missing(evaluation))
    assert any("05 sản phẩm mẫu" in item for item in dossier.forward_missing(dossier_))


def test_the_page_says_when_the_communes_days_are_over(dossier_, officer_co_do, login):
    client = login(officer_co_do)
    url = reverse("evaluations:preassessment", args=[dossier_.pk])
    today = timezone.localdate()
    Evaluation.objects.filter(pk=dossier_.pk).update(filed_on=today - timedelta(days=30))
    assert "data-overdue" in client.get(url).text
    Evaluation.objects.filter(pk=dossier_.pk).update(filed_on=today)
    response = client.get(url)
    assert "data-deadline" in response.text and "data-overdue" not in response.text


def test_the_commune_has_15_working_days_from_the_day_it_received(dossier_):
    # Received Monday 2 November 2026: three weeks of working days, the 15th on the 23rd.
    assert dossier.commune_deadline(dossier_) == date(2026, 11, 23)
    dossier_.filed_on = date(2026, 11, 6)  # a Friday: weekends are not counted
    assert dossier.commune_deadline(dossier_) == date(2026, 11, 27)
    dossier_.filed_on = None
    assert dossier.commune_deadline(dossier_) is None


# --- Before forwarding -------------------------------------------------------------------------


def test_the_guard_lists_everything_missing(dossier_):
    missing = dossier.forward_missing(dossier_)
    assert missing == [
        "Báo cáo Mẫu 03 chưa có nội dung “Về sử dụng nguyên liệu địa phương”.",
        "Báo cáo Mẫu 03 chưa có nội dung “Về sử dụng lao động địa phương”.",
        "Báo cáo Mẫu 03 chưa có nội dung “Nguồn gốc ý tưởng sản phẩm”.",
        "Báo cáo Mẫu 03 chưa có nội dung “Bản sắc/trí tuệ địa phương”.",
        "Chưa ghi số văn bản của Ủy ban nhân dân xã đề nghị tỉnh đánh giá, phân hạng.",
        "Chưa ghi ngày ban hành Báo cáo Mẫu 03.",
        "Mới có 0/5 sản phẩm mẫu: hồ sơ gửi tỉnh kèm 05 sản phẩm mẫu.",
        "Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào.",
    ]


def test_the_guard_is_empty_once_everything_is_done(dossier_, officer_co_do):
    evaluation = complete(dossier_, officer_co_do)
    assert dossier.forward_missing(evaluation) == []


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("local_materials", "  ", "nguyên liệu địa phương"),
        ("local_labour", "", "lao động địa phương"),
        ("idea_origin", "", "ý tưởng"),
        ("local_identity", "", "Bản sắc"),
        ("commune_letter", "", "số văn bản"),
        ("preassessed_on", None, "ngày ban hành"),
        ("samples", 4, "4/5 sản phẩm mẫu"),
    ],
)
def test_each_check_of_the_guard_holds_alone(dossier_, officer_co_do, field, value, says):
    evaluation = complete(dossier_, officer_co_do)
    Evaluation.objects.filter(pk=evaluation.pk).update(**{field: value})
    evaluation.refresh_from_db()
    missing = dossier.forward_missing(evaluation)
    assert len(missing) == 1 and says in missing[0], missing


def test_an_evidence_without_a_claimed_option_is_not_a_self_assessment(dossier_, officer_co_do):
    evaluation = complete(dossier_, officer_co_do)
    SelfAssessment.objects.filter(evaluation=evaluation).update(option=None)
    assert dossier.forward_missing(evaluation) == [
        "Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào."
    ]


# --- The self-assessment -----------------------------------------------------------------------


def test_the_self_assessment_is_saved_and_the_version_moves_on(dossier_, officer_co_do):
    version = dossier_.version
    criterion_id, option_id = claim_first(dossier_, officer_co_do)
    row = SelfAssessment.objects.get(evaluation=dossier_)
    assert (row.criterion_id, row.option_id) == (criterion_id, option_id)
    assert row.evidence == "Hợp đồng liên kết vùng nguyên liệu."
    assert dossier_.version == version + 1
    # Cleared: no option and no evidence leaves no row.
    dossier.self_assessment_save(
        evaluation=dossier_,
        by=officer_co_do,
        choices={criterion_id: None},
        evidence={criterion_id: " "},
        version=dossier_.version,
    )
    assert not SelfAssessment.objects.filter(evaluation=dossier_).exists()


def test_a_stale_self_assessment_is_refused_naming_who_saved(dossier_, officer_co_do, login):
    opened_at = dossier_.version
    claim_first(dossier_, officer_co_do)
    structure = SheetStructure.load(dossier_.criteria_set)
    second = list(structure.criteria.values())[1]
    with pytest.raises(ValidationError) as refused:
        dossier.self_assessment_save(
            evaluation=dossier_,
            by=officer_co_do,
            choices={second.id: second.options[0].id},
            evidence={},
            version=opened_at,
        )
    assert "Lê Văn Cờ Đỏ" in str(refused.value)
    assert not SelfAssessment.objects.filter(criterion_id=second.id).exists()
    # On the page: the refusal above the form, nothing saved.
    client = login(officer_co_do)
    url = reverse("evaluations:self_assessment", args=[dossier_.pk])
    response = client.post(url, {"version": opened_at, f"c{second.id}": second.options[0].id})
    assert response.status_code == 200
    assert "Thay đổi của bạn chưa được lưu" in response.text
    assert not SelfAssessment.objects.filter(criterion_id=second.id).exists()


def test_an_option_of_another_criterion_is_refused_and_nothing_saved(dossier_, officer_co_do):
    structure = SheetStructure.load(dossier_.criteria_set)
    first, second = list(structure.criteria.values())[:2]
    with pytest.raises(ValidationError) as refused:
        dossier.self_assessment_save(
            evaluation=dossier_,
            by=officer_co_do,
            choices={first.id: first.options[0].id, second.id: first.options[0].id},
            evidence={},
            version=dossier_.version,
        )
    assert list(refused.value.message_dict) == [f"c{second.id}"]
    assert not SelfAssessment.objects.filter(evaluation=dossier_).exists()


def test_the_page_puts_a_foreign_option_next_to_its_criterion(dossier_, officer_co_do, login):
    structure = SheetStructure.load(dossier_.criteria_set)
    first, second = list(structure.criteria.values())[:2]
    client = login(officer_co_do)
    url = reverse("evaluations:self_assessment", args=[dossier_.pk])
    response = client.post(
        url,
        {
            "version": dossier_.version,
            f"c{first.id}": first.options[0].id,
            f"c{second.id}": first.options[0].id,
        },
    )
    assert response.status_code == 200
    assert "Mức đạt này không thuộc tiêu chí; hãy chọn lại." in response.text
    assert not SelfAssessment.objects.filter(evaluation=dossier_).exists()
    # A good save redirects and shows the self-score.
    response = client.post(
        url,
        {"version": dossier_.version, f"c{first.id}": first.options[-1].id},
        follow=True,
    )
    assert "Đã lưu báo cáo tự đánh giá: 1/" in response.text
    assert SelfAssessment.objects.get(evaluation=dossier_).option_id == first.options[-1].id


def test_a_locked_dossier_refuses_the_self_assessment(dossier_, officer_co_do):
    Evaluation.objects.filter(pk=dossier_.pk).update(status=S.FORWARDED)
    with pytest.raises(ValidationError, match="đã khóa"):
        claim_first(dossier_, officer_co_do)


# --- The commune's report ----------------------------------------------------------------------


def test_the_report_is_saved_and_the_commune_recorded(dossier_, officer_co_do):
    evaluation = dossier.preassessment_save(
        evaluation=dossier_,
        by=officer_co_do,
        values=COMPLETE,
        version=dossier_.version,
        today=TODAY,
    )
    evaluation.refresh_from_db()
    assert evaluation.local_identity == COMPLETE["local_identity"]
    assert evaluation.samples == 5
    assert Contribution.objects.filter(
        evaluation=evaluation, user=officer_co_do, kind=Contribution.Kind.PREASSESSED
    ).exists()
    # Saving again records the contribution once.
    dossier.preassessment_save(
        evaluation=evaluation,
        by=officer_co_do,
        values={"samples": 6},
        version=evaluation.version,
        today=TODAY,
    )
    assert Contribution.objects.filter(evaluation=evaluation, kind="preassessed").count() == 1


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (date(2026, 11, 30), "sau hôm nay"),
        (date(2026, 11, 1), "trước ngày xã tiếp nhận hồ sơ (02/11/2026)"),
    ],
)
def test_the_report_is_dated_between_receiving_and_today(dossier_, officer_co_do, day, error):
    with pytest.raises(ValidationError) as refused:
        dossier.preassessment_save(
            evaluation=dossier_,
            by=officer_co_do,
            values={**COMPLETE, "preassessed_on": day},
            version=dossier_.version,
            today=TODAY,
        )
    assert error in refused.value.message_dict["preassessed_on"][0]
    dossier_.refresh_from_db()
    assert dossier_.local_materials == ""
    assert not Contribution.objects.filter(kind="preassessed").exists()


def test_the_boundary_days_are_accepted(dossier_, officer_co_do):
    for day in (date(2026, 11, 2), TODAY):
        dossier_ = dossier.preassessment_save(
            evaluation=dossier_,
            by=officer_co_do,
            values={"preassessed_on": day},
            version=dossier_.version,
            today=TODAY,
        )
        assert dossier_.preassessed_on == day


def test_a_stale_report_is_refused(dossier_, officer_co_do):
    opened_at = dossier_.version
    dossier.preassessment_save(
        evaluation=dossier_,
        by=officer_co_do,
        values={"idea_origin": "Truyền thống"},
        version=opened_at,
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="Lê Văn Cờ Đỏ"):
        dossier.preassessment_save(
            evaluation=dossier_,
            by=officer_co_do,
            values={"idea_origin": "Sản phẩm mới"},
            version=opened_at,
            today=TODAY,
        )
    dossier_.refresh_from_db()
    assert dossier_.idea_origin == "Truyền thống"


def test_the_report_page_saves_and_shows_the_hints(dossier_, officer_co_do, login):
    client = login(officer_co_do)
    url = reverse("evaluations:preassessment", args=[dossier_.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "dựa trên thực tế của địa phương" in page.text  # the decision's hint
    assert 'name="local_identity"' in page.text
    data = {**COMPLETE, "preassessed_on": "2026-11-20", "version": dossier_.version}
    data["preassessed_on"] = "2099-01-01"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Ngày báo cáo không thể sau hôm nay." in refused.text
    data["preassessed_on"] = "2026-11-20"
    response = client.post(url, data, follow=True)
    assert "Đã lưu báo cáo đánh giá của xã (Mẫu 03)." in response.text
    dossier_.refresh_from_db()
    assert dossier_.commune_letter == "125/UBND-KT"


# --- Who sees the pages ------------------------------------------------------------------------

PAGES = [
    "evaluations:self_assessment",
    "evaluations:preassessment",
    "evaluations:print_form_01",
    "evaluations:print_form_02",
    "evaluations:print_form_03",
]


@pytest.mark.parametrize("name", PAGES)
def test_an_officer_of_another_commune_finds_nothing(dossier_, officer_ninh_kieu, login, name):
    response = login(officer_ninh_kieu).get(reverse(name, args=[dossier_.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_asked_to_sign_in(dossier_, client, name):
    response = client.get(reverse(name, args=[dossier_.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_city_reviewer_reads_the_communes_pages(dossier_, city_reviewer, login):
    client = login(city_reviewer)
    for name in ("evaluations:self_assessment", "evaluations:preassessment"):
        response = client.get(reverse(name, args=[dossier_.pk]))
        assert response.status_code == 200
        assert "data-read-only" in response.text
        assert "Phiếu chấm và hồ sơ do cán bộ địa phương" in response.text
        assert 'type="submit"' not in response.text.split("<main", 1)[-1]
    url = reverse("evaluations:preassessment", args=[dossier_.pk])
    response = client.post(
        url, {**COMPLETE, "preassessed_on": "2026-11-20", "version": dossier_.version}
    )
    assert response.status_code == 200
    dossier_.refresh_from_db()
    assert dossier_.local_materials == ""


def test_a_forwarded_dossier_reads_locked_for_its_commune(dossier_, officer_co_do, login):
    Evaluation.objects.filter(pk=dossier_.pk).update(status=S.FORWARDED)
    response = login(officer_co_do).get(reverse("evaluations:self_assessment", args=[dossier_.pk]))
    assert "Hồ sơ đã gửi lên tỉnh: phần của xã đã khóa." in response.text
    assert "<select" not in response.text


# --- The printed forms -------------------------------------------------------------------------


def test_form_01_has_the_registration_and_the_kind_ticked(dossier_, officer_co_do, login):
    Evaluation.objects.filter(pk=dossier_.pk).update(kind="upgrade", samples=5)
    text = login(officer_co_do).get(reverse("evaluations:print_form_01", args=[dossier_.pk])).text
    assert "07/PĐK-92-31117-2026" in text
    assert "02/11/2026" in text
    assert "Lê Văn Cờ Đỏ" in text  # who received it
    assert 'Nâng hạng <span class="print-box">☑' in text
    assert 'Lần đầu <span class="print-box">☐' in text
    assert 'Đánh giá lại <span class="print-box">☐' in text
    assert "I.1.a" in text  # the product set
    assert "thành phố Cần Thơ" in text


def test_form_02_lists_the_claims_and_the_self_score(dossier_, officer_co_do, login):
    _, option_id = claim_first(dossier_, officer_co_do)
    option = SheetStructure.load(dossier_.criteria_set).options[option_id]
    text = login(officer_co_do).get(reverse("evaluations:print_form_02", args=[dossier_.pk])).text
    assert "Hợp đồng liên kết vùng nguyên liệu." in text
    assert option.text[:30] in text
    assert "data-self-score" in text


def test_form_03_has_the_four_contents_and_the_request(dossier_, officer_co_do, login, commune):
    complete(dossier_, officer_co_do)
    text = login(officer_co_do).get(reverse("evaluations:print_form_03", args=[dossier_.pk])).text
    for name in dossier.CONTENTS:
        assert COMPLETE[name] in text
    assert commune.name.upper() in text
    assert "07/PĐK-92-31117-2026" in text
    lower = commune.name[:1].lower() + commune.name[1:]
    assert (
        f"Ủy ban nhân dân {lower} đề nghị Ủy ban nhân dân thành phố Cần Thơ đánh giá, phân hạng "
        f"sản phẩm OCOP cho sản phẩm Bưởi da xanh Thới Hưng của {dossier_.product.producer.name}"
    ) in text
