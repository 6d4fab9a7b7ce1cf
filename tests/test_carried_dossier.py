"""An upgrade or re-rating dossier starts from the previous one: the documents and the
self-assessment are carried over (the same stored files, marked as carried), answers are mapped
onto the new sheet and what cannot be mapped is listed, a carried document is replaced with the
removal kept in history, an edited answer loses its mark, and carried documents count when the
commune forwards the dossier."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from evaluations import carried, documents, dossier, services
from evaluations.models import (
    CriteriaSet,
    Criterion,
    DossierDocument,
    Evaluation,
    SelfAssessment,
)
from evaluations.scoring import SheetStructure
from tests.factories import CertificateFactory, category_26
from tests.test_evaluations_support import (  # noqa: F401 (fixture)
    commune_report,
    criteria_sets_fixture,
    make_product,
    make_round,
)

pytestmark = pytest.mark.django_db

S = Evaluation.Status
LAW = "26/2026/QĐ-TTg"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
#: The producer's documents of the previous dossier (carried) and the commune's (not carried).
PRODUCER_ITEMS = ("phieu-dang-ky", "bao-cao-tu-danh-gia", "nhan-bao-bi")
COMMUNE_ITEMS = ("xa-van-ban-de-nghi", "xa-bao-cao-mau-03")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "dossier-media"


@pytest.fixture
def commune(co_do):
    return co_do.successors.order_by("code").first()


@pytest.fixture
def pomelo(criteria_sets, commune):
    """A product of a commune of Cờ Đỏ, scored on the sheet of product set I.1.a (bộ 01)."""
    product = make_product(commune, "Bưởi da xanh Thới Hưng")
    product.category = category_26("I.1.a")
    product.save()
    return product


@pytest.fixture
def rounds(criteria_sets):
    return make_round(LAW, number=1), make_round(LAW, number=2)


def upload(name="tai-lieu.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def add(evaluation, by, code="", **kwargs) -> DossierDocument:
    return documents.add_document(
        evaluation=evaluation, upload=upload(), by=by, checklist_code=code, **kwargs
    )


def criterion(evaluation, code: str):
    structure = SheetStructure.load(evaluation.criteria_set)
    return next(c for c in structure.criteria.values() if c.code == code)


def claim(evaluation, by, claims: dict[str, int]) -> None:
    """The producer claims option number `index` of each criterion code, with evidence."""
    structure = SheetStructure.load(evaluation.criteria_set)
    by_code = {c.code: c for c in structure.criteria.values()}
    dossier.self_assessment_save(
        evaluation=evaluation,
        by=by,
        choices={
            by_code[code].id: by_code[code].options[index].id for code, index in claims.items()
        },
        evidence={by_code[code].id: f"Minh chứng tiêu chí {code}." for code in claims},
        version=Evaluation.objects.get(pk=evaluation.pk).version,
    )


def recognise(evaluation, stars=3):
    """Conclude the dossier with a certificate (stored directly: the workflow is tested on its
    own)."""
    certificate = CertificateFactory(
        product=evaluation.product,
        legal_basis=evaluation.criteria_set.legal_basis,
        stars=stars,
        kind=evaluation.kind,
        decision_date=date(2026, 11, 1),
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=S.RECOGNISED,
        certificate=certificate,
        decision_number=certificate.decision_number,
        decision_date=certificate.decision_date,
    )
    evaluation.refresh_from_db()
    return certificate


def previous_dossier(round_, product, officer, city_reviewer, *, kind="new", claims=None):
    """A concluded dossier with the producer's documents, the commune's, evidence for a
    criterion, another document, a removed one and a self-assessment."""
    evaluation = services.evaluation_create(product=product, round=round_, kind="new", by=officer)
    if kind != "new":
        Evaluation.objects.filter(pk=evaluation.pk).update(kind=kind)
        evaluation.refresh_from_db()
    for code in PRODUCER_ITEMS:
        add(evaluation, officer, code)
    if kind == "renewal":
        for code in ("cap-nhat-noi-dung", "kiem-nghiem-dinh-ky", "giay-to-co-thoi-han"):
            add(evaluation, officer, code)
    for code in COMMUNE_ITEMS:
        add(evaluation, city_reviewer, code)
    first = next(iter(SheetStructure.load(evaluation.criteria_set).criteria))
    add(evaluation, officer, criterion=Criterion.objects.get(pk=first))
    add(evaluation, officer, title="Ảnh vùng trồng")
    gone = add(evaluation, officer, "giai-thuong")
    documents.remove_document(document=gone, by=officer)
    claim(evaluation, officer, claims or {"1.2": 1, "2.1": 2, "8": 2, "12": 0})
    recognise(evaluation)
    return evaluation


@pytest.fixture
def old(rounds, pomelo, officer_co_do, city_reviewer):
    return previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer)


def open_next(rounds, product, officer, kind="upgrade", **kwargs) -> Evaluation:
    return services.evaluation_create(
        product=product, round=rounds[1], kind=kind, by=officer, **kwargs
    )


def carried_documents(evaluation):
    return evaluation.documents.filter(carried_from__isnull=False).order_by("pk")


# --- What is carried -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["upgrade", "renewal"])
def test_an_upgrade_or_a_renewal_starts_from_the_previous_dossier(
    rounds, pomelo, old, officer_co_do, kind
):
    new = open_next(rounds, pomelo, officer_co_do, kind=kind)

    assert new.carried_from == old
    originals = {d.pk: d for d in old.documents.all()}
    moved = list(carried_documents(new))
    # The producer's items, the evidence for a criterion and the other document; not the
    # commune's papers of the previous procedure, nor what was removed from it.
    assert sorted(d.checklist_code for d in moved) == sorted(["", "", *PRODUCER_ITEMS])
    assert {d.title for d in moved} >= {"Ảnh vùng trồng"}
    assert not any(d.checklist_code in (*COMMUNE_ITEMS, "giai-thuong") for d in moved)
    for document in moved:
        original = originals[document.carried_from_id]
        # The same stored file, not a copy.
        assert document.file.name == original.file.name
        assert (document.sha256, document.size) == (original.sha256, original.size)
        assert document.added_by == officer_co_do and not document.is_removed
        assert document.criterion_id == original.criterion_id  # the same sheet
    assert not default_storage.exists(f"dossiers/{new.pk}")
    # The previous dossier is as it was.
    assert old.documents.filter(carried_from__isnull=True).count() == len(originals)
    assert (
        not old.documents.filter(removed_at__isnull=True, carried_into__isnull=True)
        .filter(checklist_code__in=PRODUCER_ITEMS)
        .exists()
    )

    answers = {a.criterion_id: a for a in new.self_assessments.all()}
    previous = {a.criterion_id: a for a in old.self_assessments.all()}
    assert set(answers) == set(previous)
    for criterion_id, answer in answers.items():
        assert (answer.option_id, answer.evidence) == (
            previous[criterion_id].option_id,
            previous[criterion_id].evidence,
        )
        assert answer.carried_from == previous[criterion_id]

    # The carried documents count: only the kind's own item and the commune's papers lack.
    own = {
        "upgrade": {"minh-chung-thay-doi"},
        "renewal": {"cap-nhat-noi-dung", "kiem-nghiem-dinh-ky", "giay-to-co-thoi-han"},
    }[kind]
    assert {i.code for i in documents.missing_required(new)} == own | set(COMMUNE_ITEMS)
    assert not any("Mẫu 02" in line for line in dossier.forward_missing(new))
    assert new.history.first().history_change_reason.startswith("Bắt đầu từ hồ sơ 01/PĐK-92-")


def test_a_new_dossier_starts_blank(rounds, pomelo, officer_co_do, city_reviewer):
    """A product never recognised, with a concluded dossier, starts its next one blank."""
    first = previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer)
    Evaluation.objects.filter(pk=first.pk).update(
        status=S.NOT_RECOGNISED, certificate=None, decision_number="", decision_date=None
    )
    pomelo.certificates.all().delete()
    assert carried.source_for(pomelo) == first  # there is one to start from, but not for "new"

    new = open_next(rounds, pomelo, officer_co_do, kind="new")

    assert new.carried_from is None
    assert not new.documents.exists() and not new.self_assessments.exists()


def test_the_officer_may_opt_out(rounds, pomelo, old, officer_co_do):
    new = open_next(rounds, pomelo, officer_co_do, carry=False)
    assert new.carried_from is None
    assert not new.documents.exists() and not new.self_assessments.exists()


def test_the_previous_dossier_is_the_one_that_produced_the_certificate(
    rounds, pomelo, officer_co_do, city_reviewer
):
    first = previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer)
    # A later attempt, not recognised, with documents of its own.
    attempt = services.evaluation_create(
        product=pomelo, round=rounds[1], kind="upgrade", by=officer_co_do, carry=False
    )
    add(attempt, officer_co_do, "phieu-dang-ky")
    Evaluation.objects.filter(pk=attempt.pk).update(status=S.NOT_RECOGNISED)

    assert carried.source_for(pomelo) == first
    # A certificate the portal holds no dossier of (imported): the latest concluded dossier.
    CertificateFactory(product=pomelo, stars=3, decision_date=date(2026, 11, 20))
    assert carried.source_for(pomelo) == attempt
    # A product with no concluded dossier holding anything starts blank.
    bare = make_product(pomelo.producer.area, "Mít Thới Hưng")
    assert carried.source_for(bare) is None


def test_carrying_twice_does_not_carry_twice(rounds, pomelo, old, officer_co_do):
    new = open_next(rounds, pomelo, officer_co_do)
    counts = (new.documents.count(), new.self_assessments.count())

    assert carried.carry_over(evaluation=new, source=old, by=officer_co_do) is False
    assert (new.documents.count(), new.self_assessments.count()) == counts
    # Even after every answer was edited (no mark left), nothing is carried again.
    SelfAssessment.objects.filter(evaluation=new).update(carried_from=None)
    assert carried.carry_over(evaluation=new, source=old, by=officer_co_do) is False
    assert (new.documents.count(), new.self_assessments.count()) == counts
    # The database refuses one document carried twice into a dossier.
    original = carried_documents(new).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierDocument.objects.create(
            **{
                f.attname: getattr(original, f.attname)
                for f in DossierDocument._meta.concrete_fields
                if f.name != "id"
            }
        )
    # Sending the create form twice makes one dossier (the second is refused as pending).
    with pytest.raises(ValidationError):
        open_next(rounds, pomelo, officer_co_do)
    assert Evaluation.objects.filter(product=pomelo).count() == 2


# --- Answers onto another sheet --------------------------------------------------------------


def test_answers_map_onto_another_sheet_and_the_rest_is_listed(
    login, rounds, pomelo, old, officer_co_do
):
    """The product is now classified in set I.3.b (bộ 06): the same criterion keeps its
    answer; a renumbered one (8 → 7, 12 → 11) is found by its wording; a criterion of the same
    number but another wording (8 is "Công bố chất lượng" there) gets nothing; options of
    another wording are not carried, the evidence is."""
    SelfAssessment.objects.create(
        evaluation=old,
        criterion_id=criterion(old, "6.4").id,
        option_id=criterion(old, "6.4").options[1].id,
        evidence="Sản phẩm sạch.",
    )
    pomelo.category = category_26("I.3.b")
    pomelo.save()

    new = open_next(rounds, pomelo, officer_co_do)

    sheet = CriteriaSet.objects.get(code="qd-26-2026-bo-06")
    assert new.criteria_set == sheet
    answers = {
        a.criterion.code: a for a in new.self_assessments.select_related("criterion", "option")
    }
    assert set(answers) == {"1.2", "2.1", "7", "11"}
    # The same wording but for a space ("hữu cơ, ..." / "hữu cơ,..."): the same option.
    assert answers["1.2"].option.text.startswith(
        "Được cấp giấy chứng nhận chất lượng theo tiêu chuẩn quốc gia"
    )
    assert answers["1.2"].option.text != criterion(old, "1.2").options[1].text
    assert answers["7"].option.text == criterion(old, "8").options[2].text  # renumbered
    assert answers["11"].option.text == criterion(old, "12").options[0].text
    # 2.1's options read otherwise on this sheet: the evidence carries, the claim does not.
    assert answers["2.1"].option is None
    assert answers["2.1"].evidence == "Minh chứng tiêu chí 2.1."
    assert all(a.carried_from_id for a in answers.values())

    left = carried.report(new, SheetStructure.load(sheet)).answers_left
    assert len(left) == 2
    assert left[0].startswith("2.1 Nguồn gốc ý tưởng sản phẩm — phiếu chấm mới không có mức")
    assert left[1] == "6.4 Tính đầy đủ về sản phẩm, sạch — phiếu chấm mới không có tiêu chí này"
    # The officer reads them on the self-assessment page.
    page = login(officer_co_do).get(reverse("evaluations:self_assessment", args=[new.pk]))
    assert "data-answers-left" in page.text
    assert "6.4 Tính đầy đủ về sản phẩm, sạch — phiếu chấm mới không có tiêu chí này" in page.text
    # The evidence for 1.1 "Nguồn gốc sản phẩm", which this sheet does not have (its 1.1 is
    # "Nguồn nguyên liệu"), is carried as another document, not as evidence for the other 1.1.
    evidence = carried_documents(new).get(carried_from__criterion__isnull=False)
    assert evidence.criterion is None and evidence.checklist_code == ""
    assert evidence in documents.dossier(new).others


def test_an_answer_of_an_earlier_decision_is_listed_not_lost(
    criteria_sets, pomelo, officer_co_do, city_reviewer, rounds
):
    """A dossier scored on the 148/QĐ-TTg sheet: its criteria (A1.1, …) have other numbers;
    only those of the same wording in the same part are found, the rest are listed."""
    first = previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer, claims={"1.2": 1})
    sheet_148 = criteria_sets["148/QĐ-TTg"]
    structure = SheetStructure.load(sheet_148)
    by_code = {c.code: c for c in structure.criteria.values()}
    SelfAssessment.objects.filter(evaluation=first).delete()
    Evaluation.objects.filter(pk=first.pk).update(criteria_set=sheet_148)
    for code in ("A1.1", "A1.5", "C4.1"):
        SelfAssessment.objects.create(
            evaluation=first,
            criterion_id=by_code[code].id,
            option_id=by_code[code].options[0].id,
            evidence=f"Minh chứng {code}.",
        )

    new = open_next(rounds, pomelo, officer_co_do)
    sheet = new.criteria_set
    left = carried.report(new, SheetStructure.load(sheet)).answers_left
    carried_codes = {a.criterion.code for a in new.self_assessments.select_related("criterion")}

    # "Bảo vệ môi trường trong quá trình sản xuất" is 1.6 now, its levels worded otherwise:
    # the evidence carries, the claim is listed; the other two criteria are not on this sheet.
    assert carried_codes == {"1.6"}
    answer = new.self_assessments.get()
    assert (answer.option, answer.evidence) == (None, "Minh chứng A1.5.")
    assert left == [
        "A1.1 Nguồn nguyên liệu — phiếu chấm mới không có tiêu chí này",
        "A1.5 Bảo vệ môi trường trong quá trình sản xuất — phiếu chấm mới không có mức tự chấm "
        "“Chưa có cam kết, kế hoạch bảo vệ môi trường”",
        "C4.1 Khả năng xuất khẩu — phiếu chấm mới không có tiêu chí này",
    ]


# --- Replacing, editing, forwarding ----------------------------------------------------------


def test_a_carried_document_is_replaced_with_history_kept(
    login, rounds, pomelo, old, officer_co_do, city_reviewer, officer_ninh_kieu
):
    new = open_next(rounds, pomelo, officer_co_do)
    carried_form = carried_documents(new).get(checklist_code="phieu-dang-ky")
    page_url = reverse("evaluations:documents", args=[new.pk])
    colleague = type(officer_co_do).objects.create_user("cd-2", role="officer")
    colleague.areas.set(officer_co_do.areas.all())

    page = login(colleague).get(f"{page_url}?replace={carried_form.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.replacing == carried_form
    assert form["target"].value() == "item-phieu-dang-ky"
    assert f'data-replacing="{carried_form.pk}"' in page.text
    # Another item than the one replaced is refused, nothing written.
    response = login(colleague).post(
        reverse("evaluations:document_upload", args=[new.pk]),
        {"target": "item-nhan-bao-bi", "replaces": carried_form.pk, "file": upload()},
    )
    assert response.status_code == 200
    assert "cùng mục với tài liệu" in str(response.context["form"].errors)
    assert new.documents.filter(removed_at__isnull=False).count() == 0

    response = login(colleague).post(
        reverse("evaluations:document_upload", args=[new.pk]),
        {"target": "item-phieu-dang-ky", "replaces": carried_form.pk, "file": upload()},
    )

    assert response.status_code == 302
    carried_form.refresh_from_db()
    assert carried_form.removed_by == colleague and carried_form.is_removed
    assert default_storage.exists(carried_form.file.name)  # the file stays, for both dossiers
    fresh = new.documents.get(checklist_code="phieu-dang-ky", removed_at__isnull=True)
    assert fresh.carried_from is None and fresh.added_by == colleague
    assert old.documents.get(pk=carried_form.carried_from_id).removed_at is None
    page = login(officer_co_do).get(page_url)
    assert 'id="removed"' in page.text and page.context["dossier"].removed == [carried_form]

    # The province's reviewer may replace a carried document too; an officer of another area
    # sees nothing; a document someone added stays theirs to remove.
    label_doc = carried_documents(new).get(checklist_code="nhan-bao-bi")
    documents.add_document(
        evaluation=new,
        upload=upload(),
        by=city_reviewer,
        checklist_code="nhan-bao-bi",
        replaces=label_doc,
    )
    assert DossierDocument.objects.get(pk=label_doc.pk).removed_by == city_reviewer
    with pytest.raises(PermissionDenied):
        documents.add_document(
            evaluation=new,
            upload=upload(),
            by=city_reviewer,
            checklist_code="phieu-dang-ky",
            replaces=fresh,
        )
    assert login(officer_ninh_kieu).get(f"{page_url}?replace={fresh.pk}").status_code == 404


def test_editing_a_carried_answer_clears_its_mark(login, rounds, pomelo, old, officer_co_do):
    new = open_next(rounds, pomelo, officer_co_do)
    url = reverse("evaluations:self_assessment", args=[new.pk])
    client = login(officer_co_do)
    page = client.get(url)
    assert page.text.count("data-carried-answer") == 4
    assert 'data-carried-count="4"' in page.text
    assert "Bắt đầu từ hồ sơ 01/PĐK-92-" in page.text

    # The page sent back unchanged keeps every mark.
    data = {name: value for name, value in page.context["form"].initial.items()}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert carried.carried_answers(new) == {a.criterion_id for a in old.self_assessments.all()}

    changed = criterion(new, "1.2")
    data[f"e{changed.id}"] = "Giấy chứng nhận VietGAP cấp lại năm 2026."
    data["version"] = Evaluation.objects.get(pk=new.pk).version
    assert client.post(url, data).status_code == 302

    assert changed.id not in carried.carried_answers(new)
    assert len(carried.carried_answers(new)) == 3
    page = client.get(url)
    assert page.text.count("data-carried-answer") == 3
    # Mẫu 02 prints carried answers as any other.
    printed = client.get(reverse("evaluations:print_form_02", args=[new.pk]))
    assert "Minh chứng tiêu chí 8." in printed.text
    assert "Chuyển từ hồ sơ" not in printed.text


def test_a_dossier_of_carried_documents_is_forwarded(rounds, pomelo, officer_co_do, city_reviewer):
    previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer, kind="renewal")
    new = open_next(rounds, pomelo, officer_co_do, kind="renewal")
    assert {i.code for i in documents.missing_required(new)} == set(COMMUNE_ITEMS)

    commune_report(new)  # the commune's report and papers; the rest is carried
    assert set(
        new.documents.filter(carried_from__isnull=True).values_list("checklist_code", flat=True)
    ) == set(COMMUNE_ITEMS)

    forwarded = services.evaluation_forward(evaluation=new, by=officer_co_do)
    assert forwarded.status == S.FORWARDED


# --- The pages -------------------------------------------------------------------------------


def test_the_create_page_offers_to_start_from_the_previous_dossier(
    login, rounds, pomelo, old, officer_co_do
):
    client = login(officer_co_do)
    page = client.get(reverse("evaluations:create") + f"?product={pomelo.pk}")
    assert f"Bắt đầu từ hồ sơ {old.registration_number}" in page.text
    assert page.context["form"]["carry"].value() is True

    data = {"product": pomelo.pk, "round": rounds[1].pk, "kind": "upgrade", "samples": 5}
    response = client.post(reverse("evaluations:create"), {**data, "carry": "on"})
    new = Evaluation.objects.get(product=pomelo, round=rounds[1])
    assert response.status_code == 302 and new.carried_from == old
    told = [str(m) for m in response.wsgi_request._messages]
    assert any(
        line.startswith(f"Bắt đầu từ hồ sơ {old.registration_number}: 5 tài liệu") for line in told
    )
    assert any(line.startswith("Không chuyển văn bản của xã") for line in told)


def test_the_create_page_without_the_box_starts_blank(login, rounds, pomelo, old, officer_co_do):
    data = {"product": pomelo.pk, "round": rounds[1].pk, "kind": "upgrade", "samples": 5}
    response = login(officer_co_do).post(reverse("evaluations:create"), data)
    assert response.status_code == 302
    new = Evaluation.objects.get(product=pomelo, round=rounds[1])
    assert new.carried_from is None and not new.documents.exists()


def test_who_sees_the_carried_items(
    login, rounds, pomelo, old, officer_co_do, city_reviewer, officer_ninh_kieu
):
    new = open_next(rounds, pomelo, officer_co_do)
    document = carried_documents(new).first()
    urls = [
        reverse("evaluations:documents", args=[new.pk]),
        reverse("evaluations:self_assessment", args=[new.pk]),
        reverse("evaluations:document", args=[new.pk, document.pk]),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response.url
        assert login(officer_ninh_kieu).get(url).status_code == 404
        for user in (officer_co_do, city_reviewer):
            assert login(user).get(url).status_code == 200
    # The previous dossier's document is served through its own dossier only.
    original = reverse("evaluations:document", args=[new.pk, document.carried_from_id])
    assert login(officer_co_do).get(original).status_code == 404
    own = reverse("evaluations:document", args=[old.pk, document.carried_from_id])
    assert login(officer_co_do).get(own).status_code == 200
    assert login(officer_ninh_kieu).get(own).status_code == 404

    page = login(city_reviewer).get(urls[0])
    assert 'data-carried-count="5"' in page.text
    assert "5 tài liệu chuyển từ hồ sơ trước — thay những gì đã thay đổi" in page.text
    assert f"Chuyển từ hồ sơ {old.registration_number}, ngày" in page.text
    assert "data-documents-left" in page.text
    assert page.text.count("data-replace=") == 5  # the reviewer may replace carried ones
    # A concluded previous dossier's page shows no replacement, nothing carried.
    old_page = login(officer_co_do).get(reverse("evaluations:documents", args=[old.pk]))
    assert "data-carried" not in old_page.text and "data-replace=" not in old_page.text


def test_the_documents_page_does_not_query_per_carried_document(
    login, rounds, pomelo, officer_co_do, city_reviewer, django_assert_max_num_queries
):
    first = previous_dossier(rounds[0], pomelo, officer_co_do, city_reviewer)
    new = open_next(rounds, pomelo, officer_co_do)
    client = login(officer_co_do)
    url = reverse("evaluations:documents", args=[new.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    # Ten more carried documents (and their originals): no more queries.
    model = first.documents.first()
    originals = DossierDocument.objects.bulk_create(
        DossierDocument(
            evaluation=first,
            title=f"Ảnh {n}",
            file=model.file.name,
            content_type=model.content_type,
            size=model.size,
            sha256=model.sha256,
            added_by=city_reviewer,
        )
        for n in range(10)
    )
    DossierDocument.objects.bulk_create(
        DossierDocument(
            evaluation=new,
            title=o.title,
            file=o.file.name,
            content_type=o.content_type,
            size=o.size,
            sha256=o.sha256,
            added_by=officer_co_do,
            carried_from=o,
        )
        for o in originals
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert 'data-carried-count="15"' in response.text
