"""The revocation pages (26/2026/QĐ-TTg Điều 8): proposing from a certificate, the decision with
its confirmation, the list; a revoked product shown as revoked in the registry, and its public
address answering 410 with the date and the decision, never 404 nor as still valid; the admin
reads revocations and never lets a certificate's revocation be typed; notices."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from core.submissions import TOKEN_FIELD
from notices.models import Notice
from products import revocations
from products.catalogue_views import slug_of
from products.models import Certificate, Revocation, SentNotice
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory
from tests.test_admin_registry import form_data

pytestmark = pytest.mark.django_db

TOKEN = "t0ken-of-the-form-1234567890"


def day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def product(ninh_kieu):
    producer = ProducerFactory(
        area=ninh_kieu, name="Hợp tác xã Bánh Pía Ninh Kiều", email="banhpia@ocop.example"
    )
    return ProductFactory(producer=producer, name="Bánh pía sầu riêng")


@pytest.fixture
def certificate(product, today):
    return CertificateFactory(
        product=product, stars=4, decision_number="77/QĐ-UBND", decision_date=today - timedelta(400)
    )


def propose(certificate, by, today, **changes):
    values = {
        "ground": "d",
        "concluded_on": today - timedelta(days=5),
        "concluded_by": "Đoàn kiểm tra liên ngành",
        "findings": "Dùng nhãn OCOP cho sản phẩm chưa được công nhận.",
        **changes,
    }
    return revocations.propose(certificate=certificate, by=by, **values)


@pytest.fixture
def proposed(certificate, city_reviewer, today):
    return propose(certificate, city_reviewer, today)


def decide(revocation, by, today, number="125/QĐ-UBND"):
    return revocations.decide(
        revocation=revocation, decision_number=number, decision_date=today, by=by
    )


def text(response) -> str:
    return response.content.decode()


def detail_url(revocation) -> str:
    return reverse("products:revocation", args=[revocation.pk])


# --- The revocation's page: the ladder ---------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(client, proposed):
    url = detail_url(proposed)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={url}" in response["Location"]


def test_an_officer_of_another_area_finds_nothing(login, proposed, officer_co_do):
    client = login(officer_co_do)
    assert client.get(detail_url(proposed)).status_code == 404
    assert client.post(reverse("products:revocation_decide", args=[proposed.pk])).status_code == 404


def test_the_commune_reads_it_without_the_buttons(login, proposed, officer_ninh_kieu, today):
    page = login(officer_ninh_kieu).get(detail_url(proposed))

    assert page.status_code == 200
    html = text(page)
    assert "Bánh pía sầu riêng" in html and "Hợp tác xã Bánh Pía Ninh Kiều" in html
    assert proposed.ground_text in html  # the law's words
    assert "Chủ tịch UBND thành phố" in html  # who decides (Cần Thơ is a city)
    assert f"Chờ Chủ tịch UBND thành phố quyết định, hạn {day(proposed.deadline)}" in html
    assert 'id="actions"' not in html
    assert 'id="decide"' not in html and 'id="drop"' not in html
    assert "Ghi quyết định thu hồi" not in html


def test_another_reviewer_of_the_city_gets_the_forms_and_the_confirmation(
    login, proposed, council_secretary
):
    html = text(login(council_secretary).get(detail_url(proposed)))

    assert 'id="decide"' in html and 'id="drop"' in html
    assert "data-confirm" in html
    assert (
        "Thu hồi giấy chứng nhận 4★ số 77/QĐ-UBND của sản phẩm “Bánh pía sầu riêng”; sản phẩm "
        "sẽ rời danh mục công khai ngay."
    ) in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert html.count(f'name="{TOKEN_FIELD}"') == 2  # each form is sent once


def test_the_proposer_sees_why_the_buttons_are_disabled_and_is_refused(
    login, proposed, city_reviewer
):
    client = login(city_reviewer)
    html = text(client.get(detail_url(proposed)))

    assert 'id="decide-refusal"' in html
    assert "không phải người đã đề nghị" in html
    assert re.search(r"<button[^>]*disabled[^>]*>Ghi quyết định thu hồi", html)
    assert 'id="decide"' not in html

    refused = client.post(
        reverse("products:revocation_decide", args=[proposed.pk]),
        {"decide-decision_number": "1/QĐ-UBND", "decide-decision_date": "2026-11-20"},
    )
    assert refused.status_code == 403
    assert "không phải người đã đề nghị" in text(refused)
    proposed.refresh_from_db()
    assert proposed.status == Revocation.Status.PROPOSED


def test_a_five_star_waits_for_the_ministry(login, ninh_kieu, city_reviewer, today):
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    five = CertificateFactory(product=product, stars=5, level="central")
    revocation = propose(five, city_reviewer, today)

    html = text(login(city_reviewer).get(detail_url(revocation)))

    assert (
        "Chờ quyết định của Bộ Nông nghiệp và Môi trường; Sở ghi lại số và ngày quyết định" in html
    )
    assert "Bộ trưởng Bộ Nông nghiệp và Môi trường" in html


def test_a_late_proposal_is_flagged(login, certificate, city_reviewer, today):
    late = propose(certificate, city_reviewer, today, concluded_on=today - timedelta(days=20))
    html = text(login(city_reviewer).get(detail_url(late)))
    assert "Quá hạn 5 ngày" in html


# --- Deciding and dropping through the pages --------------------------------------------------


def test_deciding_revokes_and_the_same_form_sent_twice_decides_once(
    login, proposed, council_secretary, today, django_capture_on_commit_callbacks
):
    client = login(council_secretary)
    url = reverse("products:revocation_decide", args=[proposed.pk])
    data = {
        TOKEN_FIELD: TOKEN,
        "decide-decision_number": "125/QĐ-UBND",
        "decide-decision_date": today.isoformat(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    again = client.post(url, data)

    assert first.status_code == 302 and first["Location"] == detail_url(proposed)
    assert again.status_code == 302 and again["Location"] == detail_url(proposed)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decided_by) == ("decided", council_secretary)
    certificate = Certificate.objects.get(pk=proposed.certificate_id)
    assert certificate.revoked_on == today
    assert Revocation.objects.count() == 1


def test_a_bad_decision_is_refused_next_to_its_field_and_nothing_is_saved(
    login, proposed, council_secretary, today
):
    response = login(council_secretary).post(
        reverse("products:revocation_decide", args=[proposed.pk]),
        {
            "decide-decision_number": "125/QĐ-UBND",
            "decide-decision_date": (proposed.concluded_on - timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 200
    form = response.context["decide_form"]
    assert form.errors["decision_date"] == ["Ngày quyết định phải từ ngày có kết luận trở đi."]
    assert "Ngày quyết định phải từ ngày có kết luận trở đi." in text(response)
    proposed.refresh_from_db()
    assert proposed.status == Revocation.Status.PROPOSED
    assert Certificate.objects.get(pk=proposed.certificate_id).revoked_on is None


def test_dropping_needs_a_reason_and_keeps_the_certificate(login, proposed, council_secretary):
    client = login(council_secretary)
    url = reverse("products:revocation_drop", args=[proposed.pk])

    refused = client.post(url, {"drop-closing_note": " "})
    assert refused.status_code == 200
    assert refused.context["drop_form"].errors["closing_note"] == ["Hãy ghi lý do không thu hồi."]

    assert (
        client.post(url, {"drop-closing_note": "Chủ tịch UBND không thu hồi."}).status_code == 302
    )
    proposed.refresh_from_db()
    assert proposed.status == Revocation.Status.DROPPED
    assert Certificate.objects.get(pk=proposed.certificate_id).revoked_on is None
    html = text(client.get(detail_url(proposed)))
    assert "Không thu hồi: giấy chứng nhận giữ nguyên hiệu lực." in html
    assert 'id="decide"' not in html


def test_a_proposal_settled_meanwhile_is_not_settled_again(
    login, ninh_kieu, proposed, council_secretary, today
):
    colleague = UserFactory(role=User.Role.CITY, areas=[ninh_kieu.parent])
    decide(proposed, council_secretary, today)

    response = login(colleague).post(
        reverse("products:revocation_drop", args=[proposed.pk]),
        {"drop-closing_note": "Không thu hồi"},
        follow=True,
    )

    assert "Đề nghị này đã có kết quả (Đã quyết định thu hồi); không ghi thêm." in text(response)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.closing_note) == ("decided", "")


# --- Proposing from the product's page ---------------------------------------------------------


def propose_url(certificate) -> str:
    return reverse("products:revocation_propose", args=[certificate.pk])


def test_the_product_page_offers_the_proposal_to_the_city_only(
    login, certificate, city_reviewer, officer_ninh_kieu
):
    product_url = reverse("products:detail", args=[certificate.product_id])

    assert propose_url(certificate) in text(login(city_reviewer).get(product_url))
    html = text(login(officer_ninh_kieu).get(product_url))
    assert propose_url(certificate) not in html
    assert 'id="propose-refusal"' in html
    assert "cơ quan tham mưu quản lý OCOP cấp tỉnh" in html


def test_the_proposal_page_ladder(client, login, certificate, officer_co_do, officer_ninh_kieu):
    url = propose_url(certificate)
    assert client.get(url).status_code == 302
    assert login(officer_co_do).get(url).status_code == 404
    assert login(officer_ninh_kieu).get(url).status_code == 403
    assert login(officer_ninh_kieu).post(url, {"ground": "d"}).status_code == 403
    assert not Revocation.objects.exists()


def test_the_proposal_form_shows_every_ground_in_the_law_s_words(login, certificate, city_reviewer):
    html = text(login(city_reviewer).get(propose_url(certificate)))
    for ground in Revocation.Ground:
        assert f'value="{ground.value}"' in html
        assert Revocation(ground=ground.value).ground_text in html
    assert "Chủ tịch UBND thành phố" in html


def test_bad_input_is_shown_next_to_the_fields_and_nothing_is_saved(
    login, certificate, city_reviewer, today
):
    response = login(city_reviewer).post(
        propose_url(certificate),
        {
            TOKEN_FIELD: TOKEN,
            "concluded_on": (today + timedelta(days=1)).isoformat(),
            "concluded_by": "",
            "findings": "",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ground"] == ["Hãy chọn một căn cứ thu hồi của Điều 8."]
    assert errors["concluded_by"] == ["Hãy ghi cơ quan kết luận."]
    assert errors["findings"] == ["Hãy ghi nội dung kết luận, vi phạm."]
    assert 'id="ground-error"' in text(response)
    assert not Revocation.objects.exists()

    # The form's own checks passed, the service's date rule refuses: still next to the field.
    response = login(city_reviewer).post(
        propose_url(certificate),
        {
            TOKEN_FIELD: TOKEN,
            "ground": "b",
            "concluded_on": (today + timedelta(days=1)).isoformat(),
            "concluded_by": "Thanh tra Sở",
            "findings": "Không duy trì tiêu chí.",
        },
    )
    assert response.context["form"].errors["concluded_on"] == [
        "Ngày có kết luận không được ở tương lai."
    ]
    assert not Revocation.objects.exists()


def test_proposing_through_the_page_once_however_often_it_is_sent(
    login, certificate, city_reviewer, today
):
    client = login(city_reviewer)
    data = {
        TOKEN_FIELD: TOKEN,
        "ground": "c",
        "concluded_on": (today - timedelta(days=2)).isoformat(),
        "concluded_by": "Chi cục Quản lý chất lượng",
        "findings": "Mẫu kiểm nghiệm vượt ngưỡng.",
    }

    first = client.post(propose_url(certificate), data)
    again = client.post(propose_url(certificate), data)

    revocation = Revocation.objects.get()
    assert first["Location"] == again["Location"] == detail_url(revocation)
    assert (revocation.ground, revocation.proposed_by) == ("c", city_reviewer)
    # The page of a certificate whose revocation is under way leads to it.
    assert client.get(propose_url(certificate))["Location"] == detail_url(revocation)


# --- The registry shows it ---------------------------------------------------------------------


def test_the_registry_says_proposed_then_revoked_with_the_day_and_ground(
    login, proposed, council_secretary, officer_ninh_kieu, today
):
    client = login(officer_ninh_kieu)
    product_url = reverse("products:detail", args=[proposed.certificate.product_id])
    assert "Đang đề nghị thu hồi" in text(client.get(product_url))
    assert "Đang đề nghị thu hồi" in text(client.get(reverse("products:list")))

    decide(proposed, council_secretary, today)

    revoked = (
        f"Đã thu hồi ngày {day(today)} (căn cứ điểm d khoản 1 Điều 8: Sử dụng nhãn hiệu OCOP "
        "không đúng quy định, gây nhầm lẫn)"
    )
    for url in (product_url, reverse("products:list")):
        html = text(client.get(url))
        assert revoked in html, url
        assert "Đang đề nghị thu hồi" not in html
    assert "Quyết định thu hồi số 125/QĐ-UBND" in text(client.get(product_url))


# --- The public side ---------------------------------------------------------------------------


def public_url(product) -> str:
    return reverse("catalogue:product", args=[product.pk, slug_of(product)])


def test_a_revoked_product_leaves_the_catalogue_and_its_address_says_so(
    client, proposed, council_secretary, today
):
    product = proposed.certificate.product
    url = public_url(product)
    assert client.get(url).status_code == 200  # proposed: still valid until decided
    client.get(reverse("catalogue:qr_svg", args=[product.pk]))  # cached

    decide(proposed, council_secretary, today)

    catalogue = text(client.get(reverse("catalogue:list")))
    assert "Bánh pía sầu riêng" not in catalogue
    gone = client.get(url)
    assert gone.status_code == 410
    html = text(gone)
    assert (
        f"Giấy chứng nhận OCOP của sản phẩm này đã bị thu hồi ngày {day(today)} theo Quyết định "
        "số 125/QĐ-UBND (căn cứ: Sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn)."
    ) in html
    assert "Bánh pía sầu riêng" in html and "Hợp tác xã Bánh Pía Ninh Kiều" in html
    assert "★" not in html and 'class="stars' not in html and "4 sao" not in html  # no stars
    assert "qr.svg" not in html and "<img" not in html  # no QR code, no mark
    assert '<meta name="robots" content="noindex">' in html
    assert gone["X-Robots-Tag"] == "noindex"
    assert f'href="{reverse("catalogue:list")}"' in html
    assert Certificate.objects.get(pk=proposed.certificate_id).revoked_reason not in html
    # The short address and a wrong slug still lead there.
    short = client.get(reverse("catalogue:product_short", args=[product.pk]))
    assert (short.status_code, short["Location"]) == (301, url)
    for kind in ("qr_svg", "qr_png"):
        qr = client.get(reverse(f"catalogue:{kind}", args=[product.pk]))
        assert qr.status_code == 410
        assert f"đã bị thu hồi ngày {day(today)}" in text(qr)
    assert "Bánh pía sầu riêng" not in client.get("/catalogue.csv").getvalue().decode()
    exported = json.loads(client.get("/catalogue.json").getvalue())["products"]
    assert "Bánh pía sầu riêng" not in [row["name"] for row in exported]
    assert "Bánh pía" not in client.get("/sitemap.xml").content.decode()


def test_the_gone_page_is_cached_like_the_others(
    client, proposed, council_secretary, today, django_assert_num_queries
):
    decide(proposed, council_secretary, today)
    url = public_url(proposed.certificate.product)
    assert client.get(url).status_code == 410
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 410


def test_a_certificate_revoked_before_the_portal_says_the_day_only(client, product, today):
    CertificateFactory(
        product=product,
        decision_date=today - timedelta(days=500),
        revoked_on=today - timedelta(days=30),
        revoked_reason="Ghi chú nội bộ của Sở",
    )
    response = client.get(public_url(product))
    assert response.status_code == 410
    html = text(response)
    assert (
        f"Giấy chứng nhận OCOP của sản phẩm này đã bị thu hồi ngày {day(today - timedelta(30))}."
    ) in html
    assert "Ghi chú nội bộ của Sở" not in html


def test_an_expired_product_s_address_says_since_when(client, product, today):
    old = CertificateFactory(product=product, decision_date=today - timedelta(days=4 * 365))
    response = client.get(public_url(product))

    assert response.status_code == 410
    html = text(response)
    lapsed_on = old.valid_until + timedelta(days=1)
    assert f"Giấy chứng nhận OCOP của sản phẩm này đã hết hiệu lực ngày {day(lapsed_on)}." in html
    assert "★" not in html and "<img" not in html
    assert client.get(reverse("catalogue:qr_png", args=[product.pk])).status_code == 410


def test_a_product_never_certified_is_still_not_there(client, product):
    assert client.get(public_url(product)).status_code == 404
    assert client.get(reverse("catalogue:qr_svg", args=[product.pk])).status_code == 404
    assert client.get(reverse("catalogue:product_short", args=[product.pk])).status_code == 404


def test_a_renewed_product_is_valid_again_whatever_its_old_certificate(client, product, today):
    CertificateFactory(
        product=product,
        decision_date=today - timedelta(days=500),
        revoked_on=today - timedelta(days=400),
        revoked_reason="Vi phạm",
    )
    CertificateFactory(product=product, decision_date=today - timedelta(days=10))
    cache.clear()
    assert client.get(public_url(product)).status_code == 200


# --- The list ----------------------------------------------------------------------------------


@pytest.fixture
def several(ninh_kieu, co_do, city_reviewer, council_secretary, today):
    """A late proposal, a decided one, a dropped one in Ninh Kiều; one proposal in Cờ Đỏ."""

    def certificate_in(area, name):
        product = ProductFactory(producer=ProducerFactory(area=area), name=name)
        return CertificateFactory(product=product, decision_date=today - timedelta(days=400))

    late = propose(
        certificate_in(ninh_kieu, "Trà quá hạn"),
        city_reviewer,
        today,
        ground="b",
        concluded_on=today - timedelta(days=20),
    )
    decided = propose(certificate_in(ninh_kieu, "Mắm đã thu hồi"), city_reviewer, today)
    decide(decided, council_secretary, today)
    dropped = propose(certificate_in(ninh_kieu, "Khô không thu hồi"), city_reviewer, today)
    revocations.drop(revocation=dropped, note="Đã khắc phục", by=council_secretary)
    other = propose(certificate_in(co_do, "Gạo Cờ Đỏ"), city_reviewer, today, ground="dd")
    return {"late": late, "decided": decided, "dropped": dropped, "other": other}


def names(response) -> list[str]:
    return re.findall(r'<a href="/products/revocations/\d+/">([^<]+)</a>', text(response))


LIST = "/products/revocations/"


def test_the_list_filters(login, several, council_secretary, co_do, today):
    client = login(council_secretary)

    assert names(client.get(LIST)) == [
        "Gạo Cờ Đỏ",
        "Trà quá hạn",
        "Khô không thu hồi",
        "Mắm đã thu hồi",
    ]
    assert names(client.get(LIST, {"status": "decided"})) == ["Mắm đã thu hồi"]
    assert names(client.get(LIST, {"ground": "dd"})) == ["Gạo Cờ Đỏ"]
    assert names(client.get(LIST, {"late": "yes"})) == ["Trà quá hạn"]
    assert "Trà quá hạn" not in names(client.get(LIST, {"late": "no"}))
    assert names(client.get(LIST, {"area": co_do.pk})) == ["Gạo Cờ Đỏ"]
    assert len(names(client.get(LIST, {"year": today.year}))) == 4
    assert names(client.get(LIST, {"year": today.year - 3})) == []
    assert "Quá hạn" in text(client.get(LIST, {"late": "yes"}))


def test_the_commune_reads_its_own_areas_only(login, several, officer_ninh_kieu):
    response = login(officer_ninh_kieu).get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Trà quá hạn", "Khô không thu hồi", "Mắm đã thu hồi"]


def test_the_list_needs_signing_in(client):
    assert client.get(LIST)["Location"].startswith(reverse("login"))


def test_the_list_makes_as_many_queries_for_many_rows_as_for_few(
    login, ninh_kieu, city_reviewer, council_secretary, today, django_assert_num_queries
):
    client = login(council_secretary)
    for _n in range(3):
        product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
        propose(CertificateFactory(product=product), city_reviewer, today)
    client.get(LIST)  # the session and the user's areas, once
    with django_assert_num_queries(8) as few:
        assert len(names(client.get(LIST))) == 3
    for _n in range(27):
        product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
        propose(CertificateFactory(product=product), city_reviewer, today)
    before = len(few.captured_queries)
    client.get(LIST)  # the caches the new records made new (the footer's time)
    with django_assert_num_queries(before):
        page = client.get(LIST)
    assert len(names(page)) == 25
    assert 'rel="next"' in text(page)


def test_the_menu_leads_to_the_list(login, officer_ninh_kieu):
    assert f'href="{LIST}"' in text(login(officer_ninh_kieu).get("/"))


# --- The admin ---------------------------------------------------------------------------------


@pytest.fixture
def certificate_editor(ninh_kieu):
    user = officer_of("916", username="nk-certificates", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_certificate", "change_certificate", "view_revocation"]
        )
    )
    return User.objects.get(pk=user.pk)


def test_the_admin_never_types_a_certificate_s_revocation(
    login, certificate, certificate_editor, today
):
    client = login(certificate_editor)
    url = reverse("admin:products_certificate_change", args=[certificate.pk])
    page = client.get(url)
    assert 'name="revoked_on"' not in text(page)
    assert 'name="revoked_reason"' not in text(page)
    assert "trang Thu hồi giấy chứng nhận" in text(page)

    data = form_data(page.context["adminform"].form)
    client.post(url, {**data, "revoked_on": today.isoformat(), "revoked_reason": "Gõ tay"})

    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason) == (None, "")


def test_the_certificate_admin_links_to_its_revocation_and_never_reverts_it(
    login, rf, proposed, council_secretary, administrator, certificate_editor, today
):
    certificate = proposed.certificate
    page = text(
        login(certificate_editor).get(
            reverse("admin:products_certificate_change", args=[certificate.pk])
        )
    )
    assert detail_url(proposed) in page

    decide(proposed, council_secretary, today)
    request = rf.get("/")
    request.user = administrator
    certificate_admin = admin.site._registry[Certificate]
    assert certificate_admin.revert_disabled(request, Certificate.objects.get(pk=certificate.pk))


def test_the_revocations_admin_only_reads(login, rf, proposed, administrator):
    revocation_admin = admin.site._registry[Revocation]
    request = rf.get("/")
    request.user = administrator
    assert revocation_admin.has_view_permission(request, proposed)
    assert not revocation_admin.has_add_permission(request)
    assert not revocation_admin.has_change_permission(request, proposed)
    assert not revocation_admin.has_delete_permission(request, proposed)

    client = login(administrator)
    changelist = text(client.get(reverse("admin:products_revocation_changelist")))
    assert "Chỉ để xem" in changelist and "Bánh pía sầu riêng" in changelist
    change_url = reverse("admin:products_revocation_change", args=[proposed.pk])
    assert 'name="status"' not in text(client.get(change_url))
    client.post(change_url, {"status": "decided", "decision_number": "1", "decision_date": "x"})
    proposed.refresh_from_db()
    assert proposed.status == Revocation.Status.PROPOSED
    history = client.get(reverse("admin:products_revocation_history", args=[proposed.pk]))
    assert history.status_code == 200


def test_an_import_does_not_change_a_stored_certificate_s_revocation(login, certificate, ninh_kieu):
    from tests.test_imports import CERTIFICATE_HEADERS, CERTIFICATES, check, reasons, xlsx_file

    importer = officer_of("916", username="nk-import", is_staff=True)
    importer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_certificate", "add_certificate", "change_certificate"]
        )
    )
    product = certificate.product
    row = [
        product.producer.name,
        product.name,
        certificate.stars,
        certificate.score,
        certificate.legal_basis_id,
        certificate.get_level_display(),
        "",
        certificate.decision_number,
        certificate.decision_date.strftime("%d/%m/%Y"),
        timezone.localdate().strftime("%d/%m/%Y"),
        "Gõ trong tệp",
    ]

    found = reasons(check(login(importer), CERTIFICATES, xlsx_file(CERTIFICATE_HEADERS, [row])))

    assert list(found) == [2]
    assert "Ngày thu hồi: " in found[2] and "trang Thu hồi giấy chứng nhận" in found[2]
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


# --- Notices -----------------------------------------------------------------------------------


def test_a_proposal_tells_who_decides_and_the_commune(
    certificate, city_reviewer, council_secretary, officer_ninh_kieu, officer_co_do, today
):
    revocation = propose(certificate, city_reviewer, today)

    told = Notice.objects.filter(kind=Notice.Kind.REVOCATION)
    assert {notice.recipient for notice in told} == {council_secretary, officer_ninh_kieu}
    notice = told.get(recipient=council_secretary)
    assert notice.url == detail_url(revocation)
    assert "Đề nghị thu hồi giấy chứng nhận 4★ của “Bánh pía sầu riêng”" in notice.verb
    assert f"hạn {day(revocation.deadline)}" in notice.verb
    assert notice.actor == city_reviewer
    council_secretary.refresh_from_db()
    assert council_secretary.unread_notices == 1


def test_a_decision_tells_the_commune_and_e_mails_the_producer_once(
    proposed,
    council_secretary,
    officer_ninh_kieu,
    city_reviewer,
    today,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(proposed, council_secretary, today)
        decided.save()  # saved again in the same state: nobody is told twice

    told = Notice.objects.filter(kind=Notice.Kind.REVOCATION, key__endswith=":decided")
    assert [notice.recipient for notice in told] == [officer_ninh_kieu]
    assert "Đã thu hồi giấy chứng nhận 4★" in told.get().verb
    assert [message.to for message in mailoutbox] == [["banhpia@ocop.example"]]
    message = mailoutbox[0]
    assert "Bánh pía sầu riêng" in message.subject
    assert "125/QĐ-UBND" in message.body and proposed.ground_text in message.body
    assert SentNotice.objects.filter(kind=SentNotice.Kind.REVOCATION).count() == 1


def test_an_officer_who_chose_e_mail_gets_it_too(
    certificate, city_reviewer, ninh_kieu, today, mailoutbox, django_capture_on_commit_callbacks
):
    officer = UserFactory(areas=[ninh_kieu], email="nk@ocop.example", email_notices=True)
    with django_capture_on_commit_callbacks(execute=True):
        propose(certificate, city_reviewer, today)
    assert [message.to for message in mailoutbox] == [["nk@ocop.example"]]
    assert officer.notices.count() == 1
