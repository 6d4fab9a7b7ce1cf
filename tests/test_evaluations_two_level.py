"""The 26/2026/QĐ-TTg dossier (Điều 6–7, 12): the commune receives it and pre-assesses it, the
province checks it, its Tổ tư vấn reviews it, its council scores it and the Chairman decides
3★/4★; from 90 points the result is approved and the Ministry decides 5★, or the province
recognises 3★/4★ from the Ministry's score. Nobody decides a dossier they had a hand in."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations import services, workflow
from evaluations.models import Contribution, Evaluation, Transition
from products.models import Certificate
from tests.factories import category_26
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
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status
LAW = "26/2026/QĐ-TTg"


@pytest.fixture
def commune(officer_co_do):
    """A commune of today (the former Cờ Đỏ district's successors)."""
    communes = [area for area in officer_co_do.areas.order_by("code") if area.is_current]
    return next(area for area in communes if area.level == area.Level.COMMUNE)


@pytest.fixture
def received(criteria_sets, commune, officer_co_do):
    product = make_product(commune, "Bưởi năm roi Cờ Đỏ")
    product.category = category_26("I.1.a")
    product.save()
    return open_evaluation(make_round(LAW), product, officer_co_do)


def score(evaluation, totals, *, stars=None):
    """The council's secretary enters every member's sheet at these totals."""
    sheets = list(evaluation.sheets.filter(is_council=False).order_by("member__order"))
    for index, (sheet, total) in enumerate(zip(sheets, totals, strict=True)):
        band = stars or evaluation.criteria_set.stars_for(Decimal(total))
        choices = planned_choices(evaluation, Decimal(total), stars=band, seed=index)
        services.sheet_save(sheet=sheet, by=secretary(), choices=choices, version=sheet.version)
    evaluation.refresh_from_db()
    return evaluation


def scored(evaluation, officer, totals, **kwargs):
    evaluation = to_council(evaluation, officer=officer, office=office())
    evaluation = score(evaluation, totals, **kwargs)
    return services.evaluation_scored(evaluation=evaluation, by=secretary())


def decide(evaluation, by, number="1234/QĐ-UBND"):
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=by,
        decision_number=number,
        decision_date=date.today(),
        signer="Phó Chủ tịch UBND thành phố",
    )


# --- Filing at the commune ------------------------------------------------------------------


def test_the_commune_receives_the_dossier_with_its_registration_number(received, commune):
    assert received.status == S.RECEIVED
    assert received.criteria_set.legal_basis_id == LAW
    assert received.filed_on == date.today()
    year = received.round.year
    assert received.registration_number == f"01/PĐK-92-{commune.code}-{year}"
    assert received.code == f"92-{commune.code}-01-{year}"
    step = received.transitions.get()
    assert (step.action, step.to_status) == (Transition.Action.RECEIVE, S.RECEIVED)
    assert received.contributions.get().kind == Contribution.Kind.FILED


def test_the_commune_forwards_only_its_complete_report(received, officer_co_do, city_reviewer):
    with pytest.raises(ValidationError, match="Báo cáo Mẫu 03 chưa có nội dung") as refused:
        services.evaluation_forward(evaluation=received, by=officer_co_do)
    assert "Hồ sơ điện tử còn thiếu: Phiếu đăng ký" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="Báo cáo Mẫu 03 chưa có nội dung"):
        services.evaluation_forward(evaluation=received, by=officer_co_do)
    with pytest.raises(PermissionDenied):
        services.evaluation_forward(evaluation=received, by=city_reviewer)
    commune_report(received)
    evaluation = services.evaluation_forward(evaluation=received, by=officer_co_do)
    assert evaluation.status == S.FORWARDED
    # The sheets wait for the province's council.
    assert "Hội đồng cấp tỉnh chấm điểm" in workflow.sheet_lock_reason(evaluation, city_reviewer)


# --- The province ---------------------------------------------------------------------------


def test_the_province_returns_for_a_missing_document_and_the_commune_resubmits(
    received, officer_co_do, city_reviewer, login
):
    commune_report(received)
    evaluation = services.evaluation_forward(evaluation=received, by=officer_co_do)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=city_reviewer)
    with pytest.raises(PermissionDenied):
        services.evaluation_return(evaluation=evaluation, by=officer_co_do, comment="x")
    evaluation = services.evaluation_return(
        evaluation=evaluation, by=city_reviewer, comment="Bổ sung phiếu kiểm nghiệm chất lượng."
    )
    step = workflow.next_step(evaluation)
    assert step.why == "Bổ sung phiếu kiểm nghiệm chất lượng."
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    top = page.index('id="next-step"')
    assert top < page.index('id="timeline"')
    assert "Bổ sung phiếu kiểm nghiệm chất lượng." in page[top : page.index('id="timeline"')]
    queue = login(officer_co_do).get(reverse("evaluations:queue")).content.decode()
    assert "Lý do trả lại:" in queue and "Bổ sung phiếu kiểm nghiệm chất lượng." in queue

    evaluation = services.evaluation_resubmit(evaluation=evaluation, by=officer_co_do)
    assert evaluation.status == S.RESUBMITTED
    evaluation = services.evaluation_accept(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == S.ADVISORY


def test_the_tor_tu_van_records_its_review_before_the_council(
    received, officer_co_do, city_reviewer
):
    commune_report(received)
    evaluation = services.evaluation_forward(evaluation=received, by=officer_co_do)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=city_reviewer)
    with pytest.raises(ValidationError, match="Tổ tư vấn chưa ghi kết quả"):
        services.evaluation_to_council(evaluation=evaluation, by=city_reviewer)
    with pytest.raises(ValidationError) as refused:
        services.advisory_save(
            evaluation=evaluation,
            by=city_reviewer,
            survey_on=date(2099, 1, 1),
            advisory_findings=" ",
        )
    assert set(refused.value.message_dict) == {"survey_on", "advisory_findings"}
    with pytest.raises(PermissionDenied):
        services.advisory_save(
            evaluation=evaluation, by=officer_co_do, survey_on=None, advisory_findings="x"
        )
    services.advisory_save(
        evaluation=evaluation,
        by=city_reviewer,
        survey_on=date.today(),
        advisory_findings="Cơ sở đúng như hồ sơ.",
        lab_tests_requested="Kiểm nghiệm dư lượng thuốc bảo vệ thực vật.",
        version=evaluation.version,
    )
    evaluation = services.evaluation_to_council(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == S.COUNCIL
    assert workflow.sheet_lock_reason(evaluation, secretary()) is None
    assert "thư ký Hội đồng" in workflow.sheet_lock_reason(evaluation, officer_co_do)


def test_whoever_entered_a_sheet_never_decides(received, officer_co_do, city_reviewer, login):
    evaluation = scored(received, officer_co_do, [76, 77, 78])
    assert evaluation.status == S.SCORED
    with pytest.raises(PermissionDenied, match="nhập phiếu chấm của hồ sơ này"):
        decide(evaluation, secretary())
    page = login(secretary()).get(evaluation.get_absolute_url()).content.decode()
    assert "quyết định phải do người khác thực hiện" in page
    assert 'id="next-step"' in page and "Chờ trình Chủ tịch UBND thành phố quyết định" in page

    # The decision is confirmed with what it does: the stars, how long, the public catalogue.
    page = login(city_reviewer).get(evaluation.get_absolute_url()).content.decode()
    form = page[page.index(f'action="/evaluations/{evaluation.pk}/recognise/"') :]
    form = form[: form.index("</form>")]
    assert "data-confirm" in form and "data-confirm-check" in form
    assert "Cấp giấy chứng nhận 4 sao cho" in form and "36 tháng" in form
    assert "Sản phẩm hiện ngay trên danh mục công khai." in form

    evaluation = decide(evaluation, city_reviewer)
    assert evaluation.status == S.RECOGNISED
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (4, "city")
    assert evaluation.certificate.legal_basis_id == LAW


def test_whoever_filed_never_decides(criteria_sets, commune, administrator, city_reviewer):
    """Even an administrator, who may do everything else, does not decide a file of theirs."""
    product = make_product(commune, "Khô cá lóc")
    product.category = category_26("I.1.a")
    product.save()
    evaluation = open_evaluation(make_round(LAW), product, administrator)
    evaluation = scored(evaluation, administrator, [76, 77, 78])
    with pytest.raises(PermissionDenied, match="lập hồ sơ"):
        workflow.check(evaluation, S.RECOGNISED, administrator)
    workflow.check(evaluation, S.RECOGNISED, city_reviewer)


def test_below_90_points_the_province_decides_and_may_not_go_to_the_ministry(
    received, officer_co_do, city_reviewer
):
    evaluation = scored(received, officer_co_do, [88, 89, 89], stars=5)
    assert evaluation.score < 90
    with pytest.raises(ValidationError, match="từ 90 điểm"):
        workflow.check(evaluation, S.MINISTRY, city_reviewer)
    workflow.check(evaluation, S.RECOGNISED, city_reviewer)


def _ninety(received, officer, reviewer):
    evaluation = scored(received, officer, [90, 91, 92], stars=5)
    assert evaluation.score >= 90 and evaluation.stars == 5
    with pytest.raises(ValidationError, match="gửi Bộ Nông nghiệp và Môi trường"):
        workflow.check(evaluation, S.RECOGNISED, reviewer)
    with pytest.raises(ValidationError, match="phê duyệt kết quả và gửi Bộ"):
        workflow.check(evaluation, S.NOT_RECOGNISED, reviewer)
    evaluation = services.evaluation_approve_central(
        evaluation=evaluation,
        by=reviewer,
        decision_number="88/QĐ-UBND",
        decision_date=date.today(),
        signer="Chủ tịch UBND thành phố",
    )
    assert evaluation.status == S.MINISTRY
    assert evaluation.approval_number == "88/QĐ-UBND"
    assert evaluation.certificate is None
    assert not Certificate.objects.filter(product=evaluation.product).exists()
    return evaluation


def test_at_90_points_the_ministry_recognises_5_stars(received, officer_co_do, city_reviewer):
    evaluation = _ninety(received, officer_co_do, city_reviewer)
    evaluation = services.evaluation_central_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="456/QĐ-BNNMT",
        decision_date=date.today(),
        signer="Thứ trưởng Bộ Nông nghiệp và Môi trường",
    )
    assert evaluation.status == S.CENTRAL_RECOGNISED
    certificate = evaluation.central_certificate
    assert (certificate.stars, certificate.level) == (5, "central")
    assert evaluation.decision_number == "456/QĐ-BNNMT"


def test_below_90_at_the_ministry_the_province_recognises_from_its_score(
    received, officer_co_do, city_reviewer
):
    evaluation = _ninety(received, officer_co_do, city_reviewer)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_ministry_decline(
            evaluation=evaluation, by=city_reviewer, ministry_score=Decimal(91), comment="x"
        )
    assert "ministry_score" in refused.value.message_dict
    evaluation = services.evaluation_ministry_decline(
        evaluation=evaluation,
        by=city_reviewer,
        ministry_score=Decimal("86.5"),
        comment="Hội đồng Trung ương chấm 86,5 điểm.",
    )
    assert evaluation.status == S.MINISTRY_DECLINED
    evaluation = decide(evaluation, city_reviewer, "99/QĐ-UBND")
    assert evaluation.status == S.RECOGNISED
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (4, "city")


def test_a_ministry_score_below_3_stars_is_not_recognised(received, officer_co_do, city_reviewer):
    evaluation = _ninety(received, officer_co_do, city_reviewer)
    evaluation = services.evaluation_ministry_decline(
        evaluation=evaluation, by=city_reviewer, ministry_score=Decimal(45), comment="45 điểm."
    )
    with pytest.raises(ValidationError, match="dưới 3 sao"):
        decide(evaluation, city_reviewer)
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == S.NOT_RECOGNISED


# --- The province's remarks -----------------------------------------------------------------


def test_the_province_comments_on_any_step_before_the_decision(
    received, officer_co_do, city_reviewer, login
):
    with pytest.raises(PermissionDenied):
        services.evaluation_comment(evaluation=received, by=officer_co_do, comment="x")
    step = services.evaluation_comment(
        evaluation=received, by=city_reviewer, comment="Xã lưu ý ảnh nhãn sản phẩm."
    )
    assert (step.action, step.from_status, step.to_status) == ("comment", S.RECEIVED, S.RECEIVED)
    client = login(city_reviewer)
    url = reverse("evaluations:remark", args=[received.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200 and "Hãy ghi ý kiến." in response.content.decode()
    assert client.post(url, {"comment": "Bổ sung ảnh."}).status_code == 302
    assert received.transitions.filter(action="comment").count() == 2
    assert login(officer_co_do).post(url, {"comment": "x"}).status_code == 403

    evaluation = decide(scored(received, officer_co_do, [76, 77, 78]), city_reviewer)
    with pytest.raises(PermissionDenied):
        services.evaluation_comment(evaluation=evaluation, by=city_reviewer, comment="x")


def test_every_open_step_says_who_acts_next(received, officer_co_do, city_reviewer):
    expected = {
        S.RECEIVED: "Chờ xã đánh giá sơ bộ (Mẫu 03) và gửi lên thành phố",
        S.FORWARDED: "Chờ kiểm tra thành phần hồ sơ — Văn phòng Điều phối NTM",
        S.ADVISORY: "Chờ Tổ tư vấn thẩm định, khảo sát thực tế — Văn phòng Điều phối NTM",
        S.COUNCIL: "Chờ Hội đồng chấm điểm — thư ký Hội đồng cấp thành phố",
    }
    assert str(workflow.next_step(received)).startswith(expected[S.RECEIVED])
    assert f"UBND {received.product.producer.area.name}" in str(workflow.next_step(received))
    commune_report(received)
    evaluation = services.evaluation_forward(evaluation=received, by=officer_co_do)
    assert str(workflow.next_step(evaluation)) == expected[S.FORWARDED]
    evaluation = services.evaluation_accept(evaluation=evaluation, by=city_reviewer)
    assert str(workflow.next_step(evaluation)) == expected[S.ADVISORY]
    for status in Evaluation.OPEN_STATUSES:
        evaluation.status = status
        assert workflow.next_step(evaluation) is not None, status
    for status in (S.RECOGNISED, S.NOT_RECOGNISED, S.DISQUALIFIED, S.CENTRAL_RECOGNISED):
        evaluation.status = status
        assert workflow.next_step(evaluation) is None


# --- Điều 12: the law a dossier is judged under ---------------------------------------------


@pytest.mark.parametrize(
    ("filed_on", "basis", "status"),
    [
        (date(2026, 5, 21), "1489/QĐ-TTg", S.DRAFT),
        (date(2026, 5, 22), LAW, S.RECEIVED),
    ],
)
def test_the_filing_day_picks_the_legal_basis(
    criteria_sets, commune, officer_co_do, filed_on, basis, status, login
):
    product = make_product(commune, "Mắm cá linh")
    product.category = category_26("I.1.a")
    product.save()
    round_ = make_round(LAW, opens_on=date(2026, 5, 4))
    evaluation = services.evaluation_create(
        product=product, round=round_, kind="new", by=officer_co_do, filed_on=filed_on
    )
    assert evaluation.criteria_set.legal_basis_id == basis
    assert evaluation.status == status
    assert evaluation.filed_on == filed_on
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    if basis == LAW:
        assert 'id="transition"' not in page
    else:
        # Filed the day before 26/2026: finished under 1489 by 21/07/2026 (60 days), now late.
        newer, deadline = evaluation.criteria_set.legal_basis.transition_for("new")
        assert (newer.code, deadline) == (LAW, date(2026, 7, 21))
        assert 'id="transition"' in page and "Đã quá thời hạn chuyển tiếp." in page


def test_a_filing_day_in_the_future_is_refused(criteria_sets, commune, officer_co_do):
    product = make_product(commune, "Mắm cá linh")
    product.category = category_26("I.1.a")
    product.save()
    with pytest.raises(ValidationError) as refused:
        services.evaluation_create(
            product=product,
            round=make_round(LAW),
            kind="new",
            by=officer_co_do,
            filed_on=date(2099, 1, 1),
        )
    assert "filed_on" in refused.value.message_dict


def test_a_remark_sent_twice_is_written_once(received, city_reviewer, login):
    client = login(city_reviewer)
    page = client.get(received.get_absolute_url()).content.decode()
    form = page[page.index(f'action="/evaluations/{received.pk}/remark/"') :]
    token = form.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    url = reverse("evaluations:remark", args=[received.pk])
    for _ in range(2):  # a double click
        assert client.post(url, {"comment": "Bổ sung ảnh.", "form_token": token}).status_code == 302
    assert received.transitions.filter(action="comment").count() == 1
