"""The council's result beyond the sheets: a dossier that falls under its sheet's "Hồ sơ bị loại
khi…" is ended before scoring, with the reason; the members' totals must not differ by the
city's threshold or more unless the chair records why (OCOP_DIVERGENCE_POINTS, 10 by
default)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations import services, workflow
from evaluations.models import Evaluation, Transition
from tests.factories import category_26
from tests.test_evaluations_support import (
    commune_report,
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    fill,
    make_product,
    make_round,
    open_evaluation,
    scored,
)

pytestmark = pytest.mark.django_db
S = Evaluation.Status
FORGED = (
    "Giả mạo hồ sơ hoặc không tuân thủ đầy đủ các quy định về giấy chứng nhận cơ sở đủ điều "
    "kiện an toàn thực phẩm theo quy định; hoặc không đáp ứng về hồ sơ đăng ký theo quy định"
)


@pytest.fixture
def fresh_fruit(criteria_sets, co_do, officer_co_do):
    product = make_product(co_do, "Bưởi da xanh Cờ Đỏ")
    product.category = category_26("I.1.a")
    product.save()
    evaluation = open_evaluation(make_round("26/2026/QĐ-TTg"), product, officer_co_do)
    commune_report(evaluation)
    # Forwarded by the commune: the province checks the dossier before anything else.
    return services.evaluation_forward(evaluation=evaluation, by=officer_co_do)


# --- Dossier disqualifiers ------------------------------------------------------------------------


def test_the_sheets_disqualifiers_are_shown_before_scoring(fresh_fruit, login, officer_co_do):
    assert fresh_fruit.criteria_set.disqualifiers == [FORGED]
    page = login(officer_co_do).get(fresh_fruit.get_absolute_url()).content.decode()
    assert 'id="dossier-check"' in page
    assert "Giả mạo hồ sơ hoặc không tuân thủ đầy đủ" in page


def test_a_disqualified_dossier_ends_with_its_reason(
    fresh_fruit, officer_co_do, city_reviewer, login
):
    with pytest.raises(PermissionDenied):
        services.evaluation_disqualify(evaluation=fresh_fruit, by=officer_co_do, reasons=[FORGED])
    with pytest.raises(ValidationError) as refused:
        services.evaluation_disqualify(evaluation=fresh_fruit, by=city_reviewer)
    assert "comment" in refused.value.message_dict

    evaluation = services.evaluation_disqualify(
        evaluation=fresh_fruit,
        by=city_reviewer,
        reasons=[FORGED],
        comment="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đã hết hạn.",
    )
    assert evaluation.status == S.DISQUALIFIED
    step = evaluation.transitions.last()
    assert step.action == Transition.Action.DISQUALIFY
    assert step.comment.startswith("Hồ sơ bị loại khi: Giả mạo hồ sơ")
    assert "đã hết hạn" in step.comment

    # Nothing more happens to it: no sheet, no move; the product may come back in a new one.
    sheet = evaluation.sheets.first()
    with pytest.raises(ValidationError, match="Hồ sơ bị loại"):
        services.sheet_save(sheet=sheet, by=officer_co_do, choices={}, version=sheet.version)
    assert workflow.TWO_LEVEL[S.DISQUALIFIED] == {}
    again = open_evaluation(
        make_round("26/2026/QĐ-TTg", number=2), evaluation.product, officer_co_do
    )
    assert again.status == S.RECEIVED

    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    assert 'id="disqualified"' in page and "đã hết hạn" in page


def test_the_city_disqualifies_from_the_page(fresh_fruit, city_reviewer, login):
    client = login(city_reviewer)
    page = client.get(fresh_fruit.get_absolute_url()).content.decode()
    assert "Loại hồ sơ" in page
    url = reverse("evaluations:disqualify", args=[fresh_fruit.pk])
    response = client.post(url, {"disqualify-comment": ""})
    assert response.status_code == 200
    assert "Hãy chọn trường hợp hồ sơ bị loại" in response.content.decode()
    response = client.post(url, {"disqualify-reasons": [FORGED]})
    assert response.status_code == 302
    fresh_fruit.refresh_from_db()
    assert fresh_fruit.status == S.DISQUALIFIED


# --- The members' totals ------------------------------------------------------------------------


@pytest.mark.parametrize(("totals", "blocked"), [([70, 79, 75], False), ([70, 80, 75], True)])
def test_totals_10_points_apart_block_sending_the_result(
    criteria_sets, co_do, officer_co_do, totals, blocked
):
    evaluation = scored(make_round(), make_product(co_do), officer_co_do, totals)
    assert evaluation.sheets_complete
    if blocked:
        with pytest.raises(ValidationError, match="chênh nhau 10 điểm"):
            services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    else:
        services.evaluation_submit(evaluation=evaluation, by=officer_co_do)


def test_the_chair_records_why_the_difference_stands(
    criteria_sets, co_do, officer_co_do, city_reviewer, login
):
    evaluation = scored(make_round(), make_product(co_do), officer_co_do, [70, 82, 76])
    client = login(officer_co_do)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert 'id="divergence"' in page and "chênh nhau 12 điểm" in page

    url = reverse("evaluations:divergence", args=[evaluation.pk])
    assert client.post(url, {"reason": " "}).status_code == 200
    response = client.post(
        url, {"reason": "Thành viên 1 chấm theo mẫu cũ; hội đồng thống nhất giữ kết quả."}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.divergence_spread == 12
    assert evaluation.transitions.last().action == Transition.Action.DIVERGENCE
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    assert evaluation.status == S.SUBMITTED


def test_re_scoring_to_other_totals_asks_for_a_new_reason(criteria_sets, co_do, officer_co_do):
    evaluation = scored(make_round(), make_product(co_do), officer_co_do, [70, 82, 76])
    services.evaluation_explain_divergence(
        evaluation=evaluation, by=officer_co_do, reason="Giữ kết quả."
    )
    fill(evaluation, [70, 84, 76], by=officer_co_do)
    assert evaluation.divergence_reason == "" and evaluation.divergence_spread is None
    with pytest.raises(ValidationError, match="chênh nhau 14 điểm"):
        services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    # The council re-scores closer together: nothing to explain.
    fill(evaluation, [74, 80, 76], by=officer_co_do)
    with pytest.raises(ValidationError, match="không cần giải trình"):
        services.evaluation_explain_divergence(
            evaluation=evaluation, by=officer_co_do, reason="Giữ kết quả."
        )
    assert services.evaluation_submit(evaluation=evaluation, by=officer_co_do).status == "submitted"


def test_the_threshold_is_the_citys_setting(criteria_sets, co_do, officer_co_do, settings):
    settings.OCOP_DIVERGENCE_POINTS = 15
    evaluation = scored(make_round(), make_product(co_do), officer_co_do, [70, 82, 76])
    assert services.evaluation_submit(evaluation=evaluation, by=officer_co_do).status == "submitted"
