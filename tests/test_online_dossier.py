"""A dossier filed online by the producer itself (26/2026/QĐ-TTg: the electronic dossier has the
legal value of the paper one): the producer's account prepares it (Mẫu 01, Mẫu 02, its
documents) and files it; the commune receives it or returns it to the producer; the two-level
process goes on unchanged; when the province returns it asking for a document by a deadline,
the producer adds it and sends the dossier back. The producer never decides, and never sees the
council's sheets, the province's remarks, the Tổ tư vấn's findings or the commune's report."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import policy
from evaluations import documents, dossier, online, services, workflow
from evaluations.models import Evaluation, SelfAssessment, Transition
from evaluations.scoring import SheetStructure
from evaluations.workflow import TWO_LEVEL, Actor
from notices.models import Notice
from tests.factories import CertificateFactory, ProducerFactory, UserFactory, category_26
from tests.test_evaluations_support import (
    PDF,
    commune_report,
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    office,
    secretary,
)
from tests.test_evaluations_two_level import decide, score

pytestmark = pytest.mark.django_db
S = Evaluation.Status
A = Transition.Action
LAW = "26/2026/QĐ-TTg"
LAB_REPORT = "phieu-kiem-nghiem"
REMARK = "Ý kiến nội bộ của Sở: kiểm tra kỹ nhãn mác."
FINDINGS = "Tổ tư vấn: cơ sở sản xuất chật hẹp, cần cải tạo."
MATERIALS = "Nguyên liệu bưởi của 12 hộ trong xã."


@pytest.fixture
def commune(officer_co_do):
    communes = [area for area in officer_co_do.areas.order_by("code") if area.is_current]
    return next(area for area in communes if area.level == area.Level.COMMUNE)


@pytest.fixture
def round_(criteria_sets):
    return make_round(LAW)


@pytest.fixture
def product(criteria_sets, commune):
    product = make_product(commune, "Bưởi năm roi Cờ Đỏ")
    product.category = category_26("I.1.a")
    product.save()
    return product


@pytest.fixture
def account(product):
    return UserFactory(
        username="chuthe",
        role=User.Role.PRODUCER,
        producer=product.producer,
        full_name="Nguyễn Văn Chủ",
    )


@pytest.fixture
def other_account(commune):
    other = ProducerFactory(area=commune, name="HTX Khác")
    return UserFactory(username="chuthekhac", role=User.Role.PRODUCER, producer=other)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def started(product, round_, account, **kwargs) -> Evaluation:
    return online.dossier_start(
        product=product, round=round_, kind="new", by=account, samples=5, **kwargs
    )


def self_assess(evaluation: Evaluation) -> None:
    structure = SheetStructure.load(evaluation.criteria_set)
    criterion = next(iter(structure.criteria.values()))
    SelfAssessment.objects.create(
        evaluation=evaluation,
        criterion_id=criterion.id,
        option_id=criterion.options[0].id,
        evidence="Hợp đồng liên kết.",
    )


def producer_documents(evaluation: Evaluation, account) -> None:
    for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia"):
        documents.add_document(
            evaluation=evaluation, upload=pdf(f"{code}.pdf"), by=account, checklist_code=code
        )


def filed(product, round_, account) -> Evaluation:
    evaluation = started(product, round_, account)
    self_assess(evaluation)
    producer_documents(evaluation, account)
    return online.dossier_file(evaluation=evaluation, by=account)


def lab_report_title() -> str:
    return next(i.title for i in documents.checklist_of(LAW).items if i.code == LAB_REPORT)


def forwarded(evaluation, officer) -> Evaluation:
    evaluation = online.dossier_receive(evaluation=evaluation, by=officer)
    commune_report(evaluation, officer)
    return services.evaluation_forward(evaluation=evaluation, by=officer)


# --- The workflow table -------------------------------------------------------------------------


def test_the_two_level_table_lets_the_producer_file_and_answer_a_return_never_decide():
    assert TWO_LEVEL[S.PREPARING] == {S.FILED: Actor.PRODUCER}
    assert TWO_LEVEL[S.FILED] == {S.RECEIVED: Actor.LOCAL, S.PREPARING: Actor.LOCAL}
    assert TWO_LEVEL[S.RETURNED][S.RESUBMITTED] == Actor.LOCAL_OR_PRODUCER
    producer_moves = {
        (source, target)
        for source, moves in TWO_LEVEL.items()
        for target, actor in moves.items()
        if actor in (Actor.PRODUCER, Actor.LOCAL_OR_PRODUCER)
    }
    assert producer_moves == {(S.PREPARING, S.FILED), (S.RETURNED, S.RESUBMITTED)}
    assert not {target for _source, target in producer_moves} & workflow.DECIDING_TARGETS
    assert workflow.RULE_OF_ACTOR[Actor.PRODUCER] == "dossier.file"
    assert workflow.RULE_OF_ACTOR[Actor.LOCAL_OR_PRODUCER] == "dossier.resubmit"
    assert workflow.ACTIONS[S.FILED] == A.FILE
    assert workflow.ACTIONS[S.PREPARING] == A.RETURN_TO_PRODUCER
    assert workflow.ACTIONS[S.RECEIVED] == A.RECEIVE


def test_the_statuses_with_the_producer_are_the_policys():
    assert set(Evaluation.PRODUCER_STATUSES) == policy.WITH_THE_PRODUCER_STATUSES
    assert {str(s) for s in documents.OPEN_STATUSES} == policy.DOSSIER_OPEN_STATUSES
    assert set(Evaluation.PRODUCER_STATUSES) <= set(Evaluation.OPEN_STATUSES)


# --- The whole path ------------------------------------------------------------------------------


def test_the_whole_path_on_the_pages(
    product, round_, account, officer_co_do, city_reviewer, login, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    producer = login(account)
    page = producer.get(reverse("online:start")).content.decode()
    assert f'value="{product.pk}"' in page and "Lập hồ sơ đánh giá, phân hạng trực tuyến" in page
    response = producer.post(
        reverse("online:start"),
        {"product": product.pk, "round": round_.pk, "kind": "new", "samples": 3, "carry": "on"},
    )
    evaluation = Evaluation.objects.get(product=product)
    assert response.url == reverse("online:detail", args=[evaluation.pk])
    assert (evaluation.status, evaluation.online, evaluation.filed_on) == (S.PREPARING, True, None)
    assert evaluation.criteria_set.legal_basis_id == LAW
    assert evaluation.registration_number == ""
    assert evaluation.transitions.get().action == A.PREPARE

    detail = producer.get(reverse("online:detail", args=[evaluation.pk])).content.decode()
    assert "Chủ thể đang lập hồ sơ trực tuyến, chưa nộp cho xã" in detail
    assert 'data-refused="file"' in detail
    assert "Phiếu đăng ký (Mẫu 01) ghi 3/5 sản phẩm mẫu" in detail
    assert "Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào." in detail
    assert "Hồ sơ điện tử còn thiếu: Phiếu đăng ký" in detail

    # Mẫu 01: the samples.
    url = reverse("online:registration", args=[evaluation.pk])
    response = producer.post(url, {"samples": 5, "version": evaluation.version})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.samples == 5
    # Mẫu 02 on the real sheet of the product's set.
    structure = SheetStructure.load(evaluation.criteria_set)
    assert evaluation.criteria_set.category.code == "I.1.a"
    criterion = next(iter(structure.criteria.values()))
    option = criterion.options[-1]
    url = reverse("online:self_assessment", args=[evaluation.pk])
    page = producer.get(url).content.decode()
    assert f'name="c{criterion.id}"' in page
    response = producer.post(
        url,
        {
            "version": evaluation.version,
            f"c{criterion.id}": option.id,
            f"e{criterion.id}": "Hợp đồng với 12 hộ.",
        },
    )
    assert response.status_code == 302
    assert dossier.self_assessment_of(evaluation) == (
        {criterion.id: option.id},
        {criterion.id: "Hợp đồng với 12 hộ."},
    )
    # Two documents: the signed Mẫu 01 and Mẫu 02.
    for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia"):
        response = producer.post(
            reverse("online:document_upload", args=[evaluation.pk]),
            {"target": f"item-{code}", "title": "", "file": pdf(f"{code}.pdf")},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(evaluation.documents.values_list("checklist_code", flat=True)) == [
        "bao-cao-tu-danh-gia",
        "phieu-dang-ky",
    ]
    assert set(evaluation.documents.values_list("added_by", flat=True)) == {account.pk}

    # Filing asks for the pledge of Mẫu 01.
    file_url = reverse("online:file", args=[evaluation.pk])
    refused = producer.post(file_url, {})
    assert "Hãy đánh dấu lời cam đoan trước khi nộp hồ sơ." in refused.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == S.PREPARING
    response = producer.post(file_url, {"file-pledge": "on"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.filed_on) == (S.FILED, date.today())
    # The commune's officers are told; the reviewers are not.
    told = Notice.objects.filter(transition__action=A.FILE)
    assert list(told.values_list("recipient__username", flat=True)) == ["codo"]

    # The commune's queue: "Tiếp nhận" and "Trả lại cho chủ thể".
    officer = login(officer_co_do)
    queue = officer.get(reverse("evaluations:queue")).content.decode()
    assert "Chủ thể nộp trực tuyến, chờ xã tiếp nhận" in queue
    assert reverse("evaluations:receive", args=[evaluation.pk]) in queue
    assert "Trả lại cho chủ thể" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("evaluations:receive", args=[evaluation.pk]))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    commune = product.producer.area
    assert evaluation.status == S.RECEIVED
    assert evaluation.registration_number == f"01/PĐK-92-{commune.code}-{round_.year}"
    assert evaluation.filed_on == date.today()
    staff_page = officer.get(evaluation.get_absolute_url()).content.decode()
    assert 'id="filed-online"' in staff_page
    assert "Người tiếp nhận</dt><dd>Lê Văn Cờ Đỏ</dd>" in staff_page
    mine = Notice.objects.filter(recipient=account)
    assert mine.get().verb == (
        f"UBND {commune.name} đã tiếp nhận hồ sơ “Bưởi năm roi Cờ Đỏ” "
        f"(phiếu {evaluation.registration_number})"
    )
    assert mine.get().url == reverse("online:detail", args=[evaluation.pk])

    # The two-level process, unchanged: the commune forwards, the Department returns.
    commune_report(evaluation, officer_co_do)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_forward(evaluation=evaluation, by=officer_co_do)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=city_reviewer)
    due = date.today() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_return(
            evaluation=evaluation,
            by=city_reviewer,
            comment="Thiếu phiếu kiểm nghiệm còn hiệu lực.",
            documents=[LAB_REPORT],
            due_on=due,
        )
    notice = mine.get(transition__action=A.RETURN)
    assert (
        notice.verb
        == f"Sở trả lại hồ sơ “Bưởi năm roi Cờ Đỏ”: bổ sung 1 tài liệu, hạn {due:%d/%m/%Y}"
    )
    assert notice.reason.splitlines() == [
        "Thiếu phiếu kiểm nghiệm còn hiệu lực.",
        f"Cần bổ sung: {lab_report_title()} — hạn {due:%d/%m/%Y}",
    ]
    assert list(mine.order_by("pk").values_list("transition__action", flat=True)) == [
        A.RECEIVE,
        A.FORWARD,
        A.RETURN,
    ]

    # The producer sees what is asked and by when, adds it and sends the dossier back.
    producer = login(account)
    detail = producer.get(reverse("online:detail", args=[evaluation.pk])).content.decode()
    assert "Thiếu phiếu kiểm nghiệm còn hiệu lực." in detail
    assert f"hạn {due:%d/%m/%Y}" in detail
    assert f"Hạn bổ sung tài liệu theo đề nghị của Sở: <strong>{due:%d/%m/%Y}</strong>" in detail
    assert "hoặc chủ thể" in detail
    response = producer.post(
        reverse("online:document_upload", args=[evaluation.pk]),
        {"target": f"item-{LAB_REPORT}", "title": "Phiếu kiểm nghiệm 2026", "file": pdf()},
    )
    assert response.status_code == 302
    request = evaluation.document_requests.get()
    assert request.fulfilled_by.title == "Phiếu kiểm nghiệm 2026"
    response = producer.post(
        reverse("online:resubmit", args=[evaluation.pk]), {"resubmit-comment": "Đã bổ sung."}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == S.RESUBMITTED
    step = evaluation.transitions.latest("at", "pk")
    assert (step.action, step.by, step.comment) == (A.RESUBMIT, account, "Đã bổ sung.")
    # The Department is told that the dossier is back.
    assert Notice.objects.filter(transition=step, recipient=city_reviewer).exists()


def test_the_commune_returns_an_incomplete_dossier_to_its_producer(
    product, round_, account, officer_co_do, login, django_capture_on_commit_callbacks
):
    evaluation = filed(product, round_, account)
    officer = login(officer_co_do)
    url = reverse("evaluations:return-producer", args=[evaluation.pk])
    response = officer.post(url, {"return-producer-comment": ""})
    assert "Hãy ghi lý do trả lại để chủ thể bổ sung hồ sơ." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"return-producer-comment": "Thiếu giấy đăng ký kinh doanh."})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.filed_on) == (S.PREPARING, None)
    notice = Notice.objects.get(recipient=account)
    assert notice.reason == "Thiếu giấy đăng ký kinh doanh."
    assert "trả lại hồ sơ “Bưởi năm roi Cờ Đỏ”" in notice.verb
    # The producer reads why, completes and files again.
    detail = login(account).get(reverse("online:detail", args=[evaluation.pk])).content.decode()
    assert "Thiếu giấy đăng ký kinh doanh." in detail and 'id="commune-return"' in detail
    assert policy.can(account, "dossier.prepare", evaluation)
    evaluation = online.dossier_file(evaluation=evaluation, by=account)
    assert evaluation.status == S.FILED


def test_a_re_rating_starts_from_the_certificate_in_one_click(
    product, round_, account, officer_co_do, login
):
    certificate = CertificateFactory(product=product, stars=3)
    page = login(account).get(reverse("online:start") + f"?certificate={certificate.pk}")
    text = page.content.decode()
    assert 'id="from-certificate"' in text
    assert f'<option value="{product.pk}" selected>' in text
    assert '<option value="renewal" selected>' in text
    response = login(account).post(
        reverse("online:start"),
        {"product": product.pk, "round": round_.pk, "kind": "renewal", "samples": 5},
    )
    evaluation = Evaluation.objects.get(product=product)
    assert response.status_code == 302
    assert (evaluation.kind, evaluation.previous_certificate) == ("renewal", certificate)
    # Another producer's certificate is not its to start from.
    other = CertificateFactory(product=make_product(product.producer.area, "Khác"))
    assert (
        login(account).get(reverse("online:start") + f"?certificate={other.pk}").status_code == 404
    )


def test_starting_twice_leads_to_the_same_dossier_and_the_commune_cannot_open_another(
    product, round_, account, officer_co_do
):
    first = started(product, round_, account)
    assert started(product, round_, account) == first
    with pytest.raises(ValidationError, match="hồ sơ chưa kết luận"):
        services.evaluation_create(product=product, round=round_, kind="new", by=officer_co_do)


# --- Who may do what -----------------------------------------------------------------------------


def test_refusals_say_why(product, round_, account, other_account, officer_co_do, city_reviewer):
    with pytest.raises(PermissionDenied, match="sản phẩm của mình"):
        started(product, round_, other_account)
    with pytest.raises(PermissionDenied, match="sản phẩm của mình"):
        started(product, round_, officer_co_do)
    evaluation = started(product, round_, account)
    # Only the producer's account files; the commune neither edits nor adds documents meanwhile.
    with pytest.raises(PermissionDenied, match="chủ thể có sản phẩm"):
        online.dossier_file(evaluation=evaluation, by=officer_co_do)
    with pytest.raises(PermissionDenied, match="chủ thể có sản phẩm"):
        online.dossier_file(evaluation=evaluation, by=other_account)
    with pytest.raises(ValidationError, match="Hồ sơ điện tử còn thiếu"):
        online.dossier_file(evaluation=evaluation, by=account)
    assert not policy.can(officer_co_do, "document.add", evaluation)
    assert policy.can(account, "document.add", evaluation)
    assert not policy.can(other_account, "document.add", evaluation)
    with pytest.raises(ValidationError, match="Chủ thể đang lập, nộp hồ sơ trực tuyến"):
        dossier.self_assessment_save(
            evaluation=evaluation,
            by=officer_co_do,
            choices={},
            evidence={},
            version=evaluation.version,
        )
    self_assess(evaluation)
    producer_documents(evaluation, account)
    evaluation = online.dossier_file(evaluation=evaluation, by=account)
    # Filed: the producer no longer changes it; the commune receives it, the producer cannot.
    assert not policy.can(account, "dossier.prepare", evaluation)
    assert not policy.can(account, "document.add", evaluation)
    document = evaluation.documents.first()
    assert not policy.can(account, "document.remove", document)
    with pytest.raises(ValidationError, match="do chủ thể sửa khi hồ sơ trực tuyến đang lập"):
        dossier.registration_save(
            evaluation=evaluation, by=account, samples=2, version=evaluation.version
        )
    with pytest.raises(PermissionDenied, match="cán bộ địa phương"):
        online.dossier_receive(evaluation=evaluation, by=account)
    with pytest.raises(PermissionDenied, match="cán bộ địa phương"):
        online.dossier_receive(evaluation=evaluation, by=city_reviewer)
    evaluation = forwarded(evaluation, officer_co_do)
    # With the province: nothing is the producer's to do, and it never decides.
    assert workflow.available(evaluation, account) == []
    assert not policy.can(account, "evaluation.review", evaluation)
    assert not policy.can(account, "document.add", evaluation)


def test_the_producer_answers_a_return_only_of_a_dossier_it_filed_online(
    product, round_, account, officer_co_do, city_reviewer
):
    paper = services.evaluation_create(product=product, round=round_, kind="new", by=officer_co_do)
    commune_report(paper)
    paper = services.evaluation_forward(evaluation=paper, by=officer_co_do)
    paper = services.evaluation_return(evaluation=paper, by=city_reviewer, comment="Bổ sung.")
    assert not policy.can(account, "dossier.resubmit", paper)
    assert not policy.can(account, "document.add", paper)
    assert policy.can(officer_co_do, "dossier.resubmit", paper)
    with pytest.raises(PermissionDenied, match="hoặc chủ thể với hồ sơ nộp trực tuyến"):
        services.evaluation_resubmit(evaluation=paper, by=account)
    # Both may answer a return of a dossier filed online: here the commune does.
    Evaluation.objects.filter(pk=paper.pk).update(online=True)
    paper.refresh_from_db()
    assert policy.can(account, "dossier.resubmit", paper)
    assert policy.can(account, "document.add", paper)
    assert services.evaluation_resubmit(evaluation=paper, by=officer_co_do).status == S.RESUBMITTED


def test_a_document_the_producer_added_is_its_to_remove_while_it_may_change_the_dossier(
    product, round_, account, officer_co_do, login
):
    evaluation = started(product, round_, account)
    producer_documents(evaluation, account)
    document = evaluation.documents.get(checklist_code="phieu-dang-ky")
    assert policy.can(account, "document.remove", document)
    response = login(account).post(
        reverse("online:document_remove", args=[evaluation.pk, document.pk])
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.is_removed, document.removed_by) == (True, account)


# --- Pages: the access ladder -------------------------------------------------------------------


def dossier_pages(evaluation: Evaluation) -> list[str]:
    document = evaluation.documents.first()
    return [
        reverse("online:detail", args=[evaluation.pk]),
        reverse("online:registration", args=[evaluation.pk]),
        reverse("online:self_assessment", args=[evaluation.pk]),
        reverse("online:documents", args=[evaluation.pk]),
        reverse("online:print_form_01", args=[evaluation.pk]),
        reverse("online:print_form_02", args=[evaluation.pk]),
        reverse("online:document", args=[evaluation.pk, document.pk]),
    ]


def test_the_access_ladder(
    client, product, round_, account, other_account, officer_co_do, city_reviewer, login
):
    evaluation = started(product, round_, account)
    producer_documents(evaluation, account)
    for url in [reverse("online:list"), reverse("online:start"), *dossier_pages(evaluation)]:
        client.logout()
        assert client.get(url).url.startswith(reverse("login")), url
        # Another producer's account, and the staff: its dossier is not theirs to read.
        if url not in (reverse("online:list"), reverse("online:start")):
            assert login(other_account).get(url).status_code == 404, url
            assert login(officer_co_do).get(url).status_code == 404, url
            assert login(city_reviewer).get(url).status_code == 404, url
        assert login(account).get(url).status_code == 200, url
    # The staff have their own pages: the producer's list and start say so.
    for url in (reverse("online:list"), reverse("online:start")):
        refused = login(officer_co_do).get(url)
        assert refused.status_code == 403
        assert "tài khoản của chủ thể" in refused.content.decode()
    # Another producer's list shows nothing of it; its start page does not offer the product.
    other = login(other_account)
    assert product.name not in other.get(reverse("online:list")).content.decode()
    assert product.name not in other.get(reverse("online:start")).content.decode()
    # Writes: the other producer's are refused before anything is read.
    for name in ("file", "resubmit"):
        assert other.post(reverse(f"online:{name}", args=[evaluation.pk])).status_code == 404
    document = evaluation.documents.first()
    url = reverse("online:document_remove", args=[evaluation.pk, document.pk])
    assert other.post(url).status_code == 404
    assert login(officer_co_do).post(url).status_code == 404
    # The producer cannot reach the staff's pages of its own dossier: they are the staff's
    # workspace, refused to its account.
    assert login(account).get(evaluation.get_absolute_url()).status_code == 403
    url = reverse("evaluations:receive", args=[evaluation.pk])
    assert login(account).post(url).status_code == 403


def test_the_producers_move_is_refused_with_the_reason_to_the_commune(
    product, round_, account, officer_co_do, login
):
    evaluation = filed(product, round_, account)
    # Filed: sending it "back" is not a move of this step.
    response = login(account).post(reverse("online:resubmit", args=[evaluation.pk]))
    assert response.status_code == 403
    assert "Hồ sơ đang ở bước “Chủ thể đã nộp, chờ xã tiếp nhận”" in response.content.decode()
    # Filing again is the table's move of another step: refused with the reason on the page.
    response = login(account).post(
        reverse("online:file", args=[evaluation.pk]), {"file-pledge": "on"}
    )
    assert response.status_code == 403
    page = login(account).get(reverse("online:self_assessment", args=[evaluation.pk]))
    text = page.content.decode()
    assert "do chủ thể sửa khi hồ sơ trực tuyến đang lập" in text
    assert "Lưu tự đánh giá" not in text
    page = login(account).get(reverse("online:documents", args=[evaluation.pk])).content.decode()
    assert 'id="upload-refused"' in page and "Gỡ khỏi hồ sơ" not in page


# --- What the producer never sees ----------------------------------------------------------------


def test_the_producer_never_sees_sheets_remarks_findings_or_the_communes_report(
    product, round_, account, officer_co_do, city_reviewer, login
):
    evaluation = forwarded(filed(product, round_, account), officer_co_do)
    Evaluation.objects.filter(pk=evaluation.pk).update(local_materials=MATERIALS)
    services.evaluation_comment(evaluation=evaluation, by=city_reviewer, comment=REMARK)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=office())
    evaluation = services.advisory_save(
        evaluation=evaluation, by=office(), survey_on=None, advisory_findings=FINDINGS
    )
    evaluation = services.evaluation_to_council(evaluation=evaluation, by=office())
    evaluation = score(evaluation, [80, 81, 82])
    evaluation = services.evaluation_scored(evaluation=evaluation, by=secretary())
    producer = login(account)
    pages = {url: producer.get(url).content.decode() for url in dossier_pages(evaluation)[:4]}
    for url, text in pages.items():
        for secret in (REMARK, FINDINGS, MATERIALS, "Thành viên 1", "81,00", "Mẫu số 03"):
            assert secret not in text, (url, secret)
    detail = pages[reverse("online:detail", args=[evaluation.pk])]
    assert 'id="result"' not in detail
    assert "Chờ trình Chủ tịch UBND" in detail
    # The commune's report (Mẫu 03) in the electronic dossier is not the producer's to read.
    report = evaluation.documents.get(checklist_code="xa-bao-cao-mau-03")
    url = reverse("online:document", args=[evaluation.pk, report.pk])
    assert producer.get(url).status_code == 404
    # Concluded: the result, stars and total score.
    decide(evaluation, city_reviewer)
    detail = producer.get(reverse("online:detail", args=[evaluation.pk])).content.decode()
    assert 'data-stars="4"' in detail
    assert "Tổng điểm của Hội đồng: 81,00/100." in detail
    assert REMARK not in detail and FINDINGS not in detail


# --- The list ------------------------------------------------------------------------------------


def test_the_list_says_where_each_dossier_is_in_a_fixed_number_of_queries(
    product, round_, account, officer_co_do, city_reviewer, login, django_assert_num_queries
):
    evaluation = forwarded(filed(product, round_, account), officer_co_do)
    due = date.today() + timedelta(days=7)
    services.evaluation_return(
        evaluation=evaluation,
        by=city_reviewer,
        comment="Bổ sung.",
        documents=[LAB_REPORT],
        due_on=due,
    )
    second = make_product(product.producer.area, "Mắm cá linh")
    second.producer = product.producer
    second.category = category_26("I.1.a")
    second.save()
    started(second, round_, account)
    client = login(account)
    # The session, the user, the dossiers, their latest returns, their sets' star bands, the
    # open requests, the data's date (two more: the savepoint of the request).
    with django_assert_num_queries(9):
        page = client.get(reverse("online:list")).content.decode()
    assert page.count("data-dossier=") == 2
    assert "Chờ bổ sung hồ sơ theo yêu cầu" in page
    assert f"Hạn bổ sung tài liệu theo đề nghị của Sở: {due:%d/%m/%Y}" in page
    assert "Sở đề nghị bổ sung 1 tài liệu" in page
    assert "Chủ thể đang lập hồ sơ trực tuyến, chưa nộp cho xã" in page


def test_the_todo_holds_the_filed_dossiers_of_the_communes_officers(
    product, round_, account, officer_co_do, officer_ninh_kieu
):
    from ocop_portal import todo

    evaluation = filed(product, round_, account)
    assert list(todo.waiting(officer_co_do)) == [evaluation]
    assert not todo.waiting(officer_ninh_kieu).exists()
    assert todo.deadline_of(evaluation) == dossier.commune_deadline(evaluation)
    started_only = Evaluation.objects.filter(pk=evaluation.pk)
    started_only.update(status=S.PREPARING)
    assert not todo.waiting(officer_co_do).exists()


# --- The demo ------------------------------------------------------------------------------------


def test_the_online_demo_leaves_a_dossier_returned_asking_for_a_lab_report(
    commune, officer_co_do, city_reviewer, django_capture_on_commit_callbacks
):
    from evaluations.online_demo import DAYS, online_demo

    producer = ProducerFactory(area=commune, name="HTX Demo trực tuyến")
    account = UserFactory(username="chuthe2", role=User.Role.PRODUCER, producer=producer)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = online_demo(account, today=date(2026, 11, 29))
    assert evaluation.online and evaluation.status == S.RETURNED
    assert evaluation.round.title == "Đợt 3/2026"
    assert list(evaluation.transitions.values_list("action", flat=True)) == [
        A.PREPARE,
        A.FILE,
        A.RECEIVE,
        A.FORWARD,
        A.ACCEPT,
        A.RETURN,
    ]
    assert evaluation.filed_on == DAYS.filed
    request = evaluation.document_requests.get()
    assert (request.checklist_code, request.due_on, request.is_open) == (
        LAB_REPORT,
        DAYS.due,
        True,
    )
    assert evaluation.transitions.get(action=A.FILE).by == account
    assert policy.can(account, "document.add", evaluation)
    assert workflow.available(evaluation, account)[0].target == S.RESUBMITTED
    told = Notice.objects.filter(recipient=account).order_by("created_at")
    assert [n.transition.action for n in told] == [A.RECEIVE, A.FORWARD, A.RETURN]
    assert "hạn 08/12/2026" in told.last().verb
    # Run twice: nothing new.
    assert online_demo(account, today=date(2026, 11, 29)) == evaluation
    assert Evaluation.objects.filter(product__producer=producer).count() == 1
    # Not a producer's account: nothing.
    assert online_demo(officer_co_do) is None


def test_a_producer_of_a_former_district_reads_the_commune_that_acted(
    criteria_sets, co_do, round_, officer_co_do
):
    """Registered before 07/2025 in a district that is gone: a step of 2026 was taken by a
    commune (the one its officer serves), a step of 2024 by the district."""
    from evaluations.views.online import public_steps

    product = make_product(co_do, "Bánh tét Cờ Đỏ")
    product.category = category_26("I.1.a")
    product.save()
    account = UserFactory(username="chuthecu", role=User.Role.PRODUCER, producer=product.producer)
    successor = co_do.successors.order_by("code").first()
    # The officer of one of the communes that took the district over (and of its records).
    officer = UserFactory(username="xamoi", areas=[co_do, successor])
    evaluation = filed(product, round_, account)
    # Who acts next: a commune, not the district gone since 07/2025.
    assert workflow.next_step(evaluation).who == f"UBND cấp xã (địa bàn {co_do.name} cũ)"
    online.dossier_receive(evaluation=evaluation, by=officer)
    who = {row["step"].action: row["who"] for row in public_steps(evaluation)}
    assert who[Transition.Action.RECEIVE] == f"UBND {successor.name}"
    assert (
        "Quận" not in who[Transition.Action.RECEIVE]
        and "Huyện" not in who[Transition.Action.RECEIVE]
    )
    assert who[Transition.Action.FILE] == "Chủ thể"
    # An officer of every commune of the former district: the level, not one of them.
    officer.areas.set([co_do, *co_do.successors.all()])
    who = {row["step"].action: row["who"] for row in public_steps(evaluation)}
    assert who[Transition.Action.RECEIVE] == "UBND cấp xã"
    # A step taken while the district existed: the district.
    evaluation.transitions.filter(action=Transition.Action.RECEIVE).update(
        at=timezone.make_aware(datetime(2024, 5, 6, 9, 0))
    )
    who = {row["step"].action: row["who"] for row in public_steps(evaluation)}
    assert who[Transition.Action.RECEIVE] == f"UBND {co_do.name}"
