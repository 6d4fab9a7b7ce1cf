"""The producer's public page (listings): its account proposes, the commune's officer approves
or rejects, only approved values reach the public catalogue; who may do what on every page."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from core import policy
from listings import services
from listings.models import PageChange, StagedPhoto
from notices.models import Notice
from products.models import PointOfSale, Product, ProductPhoto
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

S = PageChange.Status
PROPOSE = str(policy.RULES["page.propose"].refusal)
PROPOSE_RE = re.escape(PROPOSE)
REVIEW = str(policy.RULES["page.review"].refusal)
REVIEW_RE = re.escape(REVIEW)
STALE = "Thay đổi của bạn chưa được lưu"

SHOP = {
    "kind": "shop",
    "name": "Cửa hàng đặc sản Ninh Kiều",
    "address": "38 Hai Bà Trưng, phường Ninh Kiều",
    "url": "",
    "phone": "0292 3821 234",
}
ONLINE = {
    "kind": "online",
    "name": "Gian hàng trên Shopee",
    "address": "",
    "url": "https://shopee.vn/htx-thu-nghiem",
    "phone": "",
}


def png(size=(4, 3), color=(0, 128, 0), name="anh.png", fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def account_of(producer, **kwargs) -> User:
    return UserFactory(role=User.Role.PRODUCER, producer=producer, **kwargs)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def producer(co_do):
    return ProducerFactory(name="Hợp tác xã Trà Cờ Đỏ", phone="0292 3000 111", phone_public=True)


@pytest.fixture
def product(producer, today):
    product = ProductFactory(producer=producer, name="Trà mãng cầu Cờ Đỏ")
    CertificateFactory(product=product, decision_date=today - timedelta(days=100))
    return product


@pytest.fixture
def account(producer):
    return account_of(producer, username="chuthe", full_name="Chủ thể Trà Cờ Đỏ")


@pytest.fixture
def other_account(co_do):
    other = ProducerFactory(name="Hợp tác xã Khác")
    ProductFactory(producer=other, name="Khô cá khác")
    return account_of(other, username="chuthekhac")


def propose_story(account, product, story="Trà làm từ mãng cầu xiêm Thới Hưng.", **values):
    return services.propose(
        account,
        product,
        values={"story": story, **values},
        version=Product.objects.get(pk=product.pk).version,
    )


def catalogue_text(client, product) -> str:
    return client.get(f"/catalogue/{product.pk}/", follow=True).content.decode()


# --- Propose, approve, reject ---------------------------------------------------------------------


def test_propose_then_approve_publishes_exactly_the_proposed_values(
    account, product, officer_co_do, client
):
    change = services.propose(
        account,
        product,
        values={
            "story": "  Trà làm từ mãng cầu xiêm Thới Hưng.  ",
            "photo_alt": "",
            "points_of_sale": [SHOP, ONLINE],
        },
        photos=[services.NewPhoto(png(), "Hộp trà 100 g, mặt trước")],
        version=product.version,
    )
    assert change.status == S.PENDING
    assert change.changes == {
        "story": "Trà làm từ mãng cầu xiêm Thới Hưng.",
        "points_of_sale": [SHOP, ONLINE],
    }
    assert change.before == {"story": "", "points_of_sale": []}
    staged = change.photos.get()
    assert staged.file.name.startswith("dossiers/page-photos/")
    # Nothing public yet.
    product.refresh_from_db()
    assert product.story == "" and not product.points_of_sale.exists()
    assert "Trà làm từ mãng cầu" not in catalogue_text(client, product)

    version = product.version
    services.approve(officer_co_do, change, version=change.version)
    product.refresh_from_db()
    assert product.story == "Trà làm từ mãng cầu xiêm Thới Hưng."
    assert product.version == version + 1
    assert [
        (p.kind, p.name, p.address, p.url, p.phone, p.position)
        for p in product.points_of_sale.all()
    ] == [
        ("shop", SHOP["name"], SHOP["address"], "", SHOP["phone"], 0),
        ("online", ONLINE["name"], "", ONLINE["url"], "", 1),
    ]
    # The new photo: public, of its own name (not the private one), its description kept;
    # the product had no main photo, so it becomes the main one.
    assert product.photo.name.startswith("products/")
    assert product.photo_alt == "Hộp trà 100 g, mặt trước"
    assert not product.gallery.exists()
    # Through the normal save, with history naming the officer.
    latest = product.history.first()
    assert latest.history_user == officer_co_do and latest.story == product.story
    change.refresh_from_db()
    assert (change.status, change.reviewed_by) == (S.APPROVED, officer_co_do)
    page = catalogue_text(client, product)
    assert "Câu chuyện sản phẩm" in page and "Trà làm từ mãng cầu xiêm Thới Hưng." in page
    assert "Điểm bán" in page and SHOP["address"] in page and ONLINE["url"] in page
    assert 'alt="Hộp trà 100 g, mặt trước"' in page


def test_producer_details_change_only_on_approval(account, producer, officer_co_do):
    change = services.propose(
        account,
        producer,
        values={
            "introduction": "Hợp tác xã thành lập năm 2015.",
            "phone": "0292 3000 111",
            "phone_public": False,
            "email": "lienhe@htx.vn",
            "email_public": True,
            "website": "",
            "website_public": True,
        },
        version=producer.version,
    )
    assert change.product is None
    assert change.changes == {
        "introduction": "Hợp tác xã thành lập năm 2015.",
        "phone_public": False,
        "email": "lienhe@htx.vn",
        "email_public": True,
    }
    producer.refresh_from_db()
    assert producer.introduction == "" and producer.phone_public
    services.approve(officer_co_do, change, version=change.version)
    producer.refresh_from_db()
    assert (producer.introduction, producer.phone_public, producer.email) == (
        "Hợp tác xã thành lập năm 2015.",
        False,
        "lienhe@htx.vn",
    )
    assert producer.history.first().history_user == officer_co_do


def test_reject_keeps_the_published_page_and_needs_a_note(account, product, officer_co_do):
    product.story = "Câu chuyện đã duyệt."
    product.save()
    change = propose_story(account, product, "Câu chuyện mới chưa duyệt.")
    with pytest.raises(ValidationError) as refused:
        services.reject(officer_co_do, change, "  ", version=change.version)
    assert "note" in refused.value.message_dict
    services.reject(officer_co_do, change, "Xin bổ sung năm thành lập.", version=change.version)
    change.refresh_from_db()
    product.refresh_from_db()
    assert (change.status, change.note) == (S.REJECTED, "Xin bổ sung năm thành lập.")
    assert product.story == "Câu chuyện đã duyệt."
    # Decided: nothing more to approve.
    with pytest.raises(PermissionDenied):
        services.approve(officer_co_do, change, version=change.version)


def test_withdraw_then_propose_again(account, product):
    change = propose_story(account, product)
    services.withdraw(account, change, version=change.version)
    change.refresh_from_db()
    assert change.status == S.WITHDRAWN and change.withdrawn_at is not None
    assert propose_story(account, product, "Lần hai.").status == S.PENDING


def test_one_pending_proposal_per_page_a_second_is_refused(account, product, producer):
    first = propose_story(account, product)
    with pytest.raises(ValidationError) as refused:
        propose_story(account, product, "Một câu chuyện khác.")
    assert refused.value.code == "pending_exists"
    assert "đã có một đề xuất đang chờ cán bộ xã duyệt" in refused.value.messages[0]
    assert list(PageChange.objects.filter(product=product)) == [first]
    # The producer's own details are another page: a proposal may wait there too.
    services.propose(
        account, producer, values={"introduction": "Xin chào."}, version=producer.version
    )


def test_nothing_changed_is_refused(account, product):
    with pytest.raises(ValidationError) as refused:
        services.propose(account, product, values={"story": ""}, version=product.version)
    assert refused.value.code == "nothing_changed"
    assert not PageChange.objects.exists()


def test_a_stale_form_is_refused(account, product, officer_co_do):
    loaded = product.version
    product.description = "Sửa bởi cán bộ."
    product._history_user = officer_co_do
    product.save()
    with pytest.raises(ValidationError, match=STALE):
        services.propose(account, product, values={"story": "Mới."}, version=loaded)
    assert not PageChange.objects.exists()


def test_the_officer_approves_only_the_version_seen(account, product, officer_co_do):
    change = propose_story(account, product)
    seen = change.version
    services.withdraw(account, change, version=change.version)
    with pytest.raises(PermissionDenied):
        services.approve(officer_co_do, change, version=seen)
    change = propose_story(account, product, "Khác.")
    with pytest.raises(ValidationError, match=STALE):
        services.approve(officer_co_do, change, version=change.version - 1)
    product.refresh_from_db()
    assert product.story == ""


# --- Who may --------------------------------------------------------------------------------------


def test_the_proposer_never_approves(account, product, officer_co_do, administrator):
    change = propose_story(account, product)
    with pytest.raises(PermissionDenied, match=REVIEW_RE):
        services.approve(account, change, version=change.version)
    # Even an officer or an administrator who proposed (written by hand: no page lets
    # them) is refused their own proposal.
    change.proposed_by = officer_co_do
    change.save()
    assert not policy.can(officer_co_do, "page.review", change)
    change.proposed_by = administrator
    change.save()
    assert not policy.can(administrator, "page.review", change)
    assert policy.can(officer_co_do, "page.review", change)


def test_officers_of_another_area_and_the_city_cannot_review(
    account, product, officer_ninh_kieu, city_reviewer, administrator
):
    change = propose_story(account, product)
    for user in (officer_ninh_kieu, city_reviewer):
        with pytest.raises(PermissionDenied, match=REVIEW_RE):
            services.approve(user, change, version=change.version)
        with pytest.raises(PermissionDenied, match=REVIEW_RE):
            services.reject(user, change, "Không.", version=change.version)
    product.refresh_from_db()
    assert product.story == ""
    # An administrator may.
    services.approve(administrator, change, version=change.version)


def test_another_producers_account_cannot_propose_or_withdraw(
    account, other_account, product, producer, officer_co_do
):
    with pytest.raises(PermissionDenied, match=PROPOSE_RE):
        propose_story(other_account, product)
    with pytest.raises(PermissionDenied, match=PROPOSE_RE):
        services.propose(
            other_account, producer, values={"introduction": "x"}, version=producer.version
        )
    with pytest.raises(PermissionDenied, match=PROPOSE_RE):
        propose_story(officer_co_do, product)
    change = propose_story(account, product)
    with pytest.raises(PermissionDenied):
        services.withdraw(other_account, change, version=change.version)


# --- Photos ---------------------------------------------------------------------------------------


def test_photos_are_checked_as_the_product_photo(account, product, settings):
    gif = png(fmt="GIF", name="anh.gif")
    with pytest.raises(ValidationError) as refused:
        services.propose(
            account,
            product,
            values={},
            photos=[services.NewPhoto(gif, "Ảnh")],
            version=product.version,
        )
    assert "photo_1" in refused.value.message_dict
    fake = SimpleUploadedFile("anh.png", b"<html>not an image</html>", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.propose(
            account,
            product,
            values={},
            photos=[services.NewPhoto(fake, "Ảnh")],
            version=product.version,
        )
    assert refused.value.message_dict["photo_1"] == [
        "Tệp tải lên không phải là ảnh JPEG, PNG hoặc WebP hợp lệ."
    ]
    settings.PHOTO_MAX_PIXELS = 10
    with pytest.raises(ValidationError) as refused:
        services.propose(
            account,
            product,
            values={},
            photos=[services.NewPhoto(png(size=(5, 5)), "Ảnh")],
            version=product.version,
        )
    assert "megapixel" in refused.value.message_dict["photo_1"][0]
    settings.PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refused:
        services.propose(
            account,
            product,
            values={},
            photos=[services.NewPhoto(png(), "  ")],
            version=product.version,
        )
    assert "alt_1" in refused.value.message_dict
    assert not PageChange.objects.exists() and not StagedPhoto.objects.exists()


def test_remove_a_photo_and_choose_the_main_one(account, product, officer_co_do):
    first = services.propose(
        account,
        product,
        values={},
        photos=[
            services.NewPhoto(png(color=(1, 1, 1)), "Ảnh một"),
            services.NewPhoto(png(color=(2, 2, 2)), "Ảnh hai"),
        ],
        version=product.version,
    )
    services.approve(officer_co_do, first, version=first.version)
    product.refresh_from_db()
    main_name = product.photo.name
    assert product.photo_alt == "Ảnh một"
    gallery = list(product.gallery.all())
    assert [photo.alt_text for photo in gallery] == ["Ảnh hai"]
    # The gallery's photo becomes the main one; the main one goes to the gallery.
    second = services.propose(
        account,
        product,
        values={"main_photo": f"photo:{gallery[0].pk}"},
        version=product.version,
    )
    services.approve(officer_co_do, second, version=second.version)
    product.refresh_from_db()
    assert product.photo_alt == "Ảnh hai"
    assert [(p.alt_text, p.photo.name) for p in product.gallery.all()] == [("Ảnh một", main_name)]
    # Remove the main one: the gallery's first takes its place.
    third = services.propose(
        account, product, values={"remove_photos": ["main"]}, version=product.version
    )
    services.approve(officer_co_do, third, version=third.version)
    product.refresh_from_db()
    assert (product.photo.name, product.photo_alt) == (main_name, "Ảnh một")
    assert not ProductPhoto.objects.filter(product=product).exists()


# --- Notices --------------------------------------------------------------------------------------


def test_the_officer_is_told_of_a_proposal_and_the_producer_of_the_decision(
    account, product, officer_co_do, officer_ninh_kieu
):
    change = propose_story(account, product)
    told = Notice.objects.get(kind=Notice.Kind.PAGE)
    assert told.recipient == officer_co_do
    assert told.url == reverse("listing_reviews:detail", args=[change.pk])
    assert not Notice.objects.filter(recipient=officer_ninh_kieu).exists()
    services.reject(officer_co_do, change, "Bổ sung thêm.", version=change.version)
    decided = Notice.objects.get(recipient=account)
    assert decided.url == reverse("listings:change", args=[change.pk])
    assert decided.reason == "Bổ sung thêm."
    account.refresh_from_db()
    assert account.unread_notices == 1


# --- The pages ------------------------------------------------------------------------------------


def test_the_public_page_shows_only_published_values(account, product, client):
    product.story = "Câu chuyện công khai."
    product.save()
    PointOfSale.objects.create(product=product, **SHOP)
    propose_story(account, product, "Câu chuyện đang chờ duyệt.")
    page = catalogue_text(client, product)
    assert "Câu chuyện công khai." in page
    assert "Câu chuyện đang chờ duyệt." not in page
    assert SHOP["name"] in page


def test_the_producers_page_and_forms(login, account, product, producer):
    client = login(account)
    page = client.get(reverse("listings:index"))
    assert page.status_code == 200
    assert product.name in page.text
    assert reverse("listings:product_edit", args=[product.pk]) in page.text
    form = client.get(reverse("listings:product_edit", args=[product.pk]))
    assert form.status_code == 200
    # Help under every field in plain Vietnamese.
    for field in ("story", "photo_1", "alt_1"):
        assert form.context["form"][field].help_text
    for point in form.context["points"]:
        assert all(point[name].help_text for name in point.fields)
    assert client.get(reverse("listings:producer_edit")).status_code == 200


def product_post(product, **data):
    base = {
        "version": product.version,
        "story": "",
        "photo_alt": "",
        "main_photo": "",
        "points-TOTAL_FORMS": "1",
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0",
        "points-MAX_NUM_FORMS": "20",
    }
    return {**base, **data}


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(login, account, product):
    client = login(account)
    url = reverse("listings:product_edit", args=[product.pk])
    response = client.post(
        url,
        product_post(
            product,
            story="Câu chuyện hay.",
            **{
                "points-0-kind": "online",
                "points-0-name": "Gian hàng",
                "points-0-url": "",
                "points-0-phone": "abc",
            },
            photo_1=png(fmt="GIF", name="a.gif"),
            alt_1="",
        ),
    )
    assert response.status_code == 200
    point = response.context["points"].forms[0]
    assert point.errors["url"] == ["Gian hàng trên mạng cần đường dẫn."]
    assert "Số điện thoại chỉ gồm chữ số" in point.errors["phone"][0]
    form = response.context["form"]
    assert "photo_1" in form.errors
    assert "Gian hàng trên mạng cần đường dẫn." in response.text
    assert not PageChange.objects.exists() and not StagedPhoto.objects.exists()
    product.refresh_from_db()
    assert product.story == ""


def test_the_form_sends_a_proposal(login, account, product):
    client = login(account)
    url = reverse("listings:product_edit", args=[product.pk])
    response = client.post(
        url,
        product_post(
            product,
            story="Câu chuyện hay.",
            main_photo="new:0",
            photo_1=png(),
            alt_1="Gói trà",
            **{
                "points-0-kind": "shop",
                "points-0-name": SHOP["name"],
                "points-0-address": SHOP["address"],
            },
        ),
    )
    change = PageChange.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    staged = change.photos.get()
    assert change.changes["story"] == "Câu chuyện hay."
    assert change.changes["main_photo"] == f"staged:{staged.pk}"
    assert change.changes["points_of_sale"][0]["name"] == SHOP["name"]
    # The producer's page of it; the new photo, to its account only.
    assert client.get(change.get_absolute_url()).status_code == 200
    assert client.get(staged.get_absolute_url()).status_code == 200
    # The form again: no second proposal, the waiting one shown.
    again = client.get(url)
    assert "đang chờ cán bộ xã duyệt" in again.text and "form_token" not in again.text


def test_a_stale_page_form_says_who_changed_what(login, account, product, officer_co_do):
    client = login(account)
    data = product_post(product, story="Mới.")
    product.description = "Cán bộ vừa sửa."
    product._history_user = officer_co_do
    product.save()
    response = client.post(reverse("listings:product_edit", args=[product.pk]), data)
    assert response.status_code == 200
    assert STALE in response.text
    assert not PageChange.objects.exists()


def test_the_review_list_and_its_buttons(login, account, product, officer_co_do, city_reviewer):
    change = propose_story(account, product, "Câu chuyện đề xuất.")
    page = login(officer_co_do).get(reverse("listing_reviews:list"))
    assert page.status_code == 200
    assert "Câu chuyện đề xuất." in page.text and "Đang công khai" in page.text
    assert reverse("listing_reviews:approve", args=[change.pk]) in page.text
    assert "Cán bộ OCOP phụ trách" in page.text  # who acts next
    response = login(officer_co_do).post(
        reverse("listing_reviews:approve", args=[change.pk]),
        {"version": change.version, "note": "", "next": "list"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("listing_reviews:list")
    product.refresh_from_db()
    assert product.story == "Câu chuyện đề xuất."
    # The detail page, decided: no button any more.
    detail = login(officer_co_do).get(change.get_review_url())
    assert reverse("listing_reviews:approve", args=[change.pk]) not in detail.text
    assert "Đã duyệt: thay đổi đã hiện" in detail.text


def test_a_rejection_without_a_note_is_refused_on_the_page(login, account, product, officer_co_do):
    change = propose_story(account, product)
    response = login(officer_co_do).post(
        reverse("listing_reviews:reject", args=[change.pk]),
        {"version": change.version, "note": ""},
    )
    assert response.status_code == 200
    assert "Hãy ghi lý do không duyệt" in response.text
    change.refresh_from_db()
    assert change.status == S.PENDING


def test_the_review_list_query_count_does_not_grow(
    login, officer_co_do, co_do, today, django_assert_num_queries
):
    def make(n):
        for i in range(n):
            producer = ProducerFactory()
            account = account_of(producer)
            product = ProductFactory(producer=producer)
            PointOfSale.objects.create(product=product, **SHOP)
            services.propose(
                account,
                product,
                values={"story": f"Chuyện {i}"},
                photos=[services.NewPhoto(png(), "Ảnh")],
                version=product.version,
            )

    client = login(officer_co_do)
    url = reverse("listing_reviews:list")
    make(2)
    client.get(url)  # warm the session and the cache of counts
    # session, the request's savepoint and its release, user, the user's areas, count, page,
    # gallery, points of sale, new photos (the footer's time is kept in the cache)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    make(3)
    client.get(url)  # the caches the new records made new
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 5


# --- The access ladder ----------------------------------------------------------------------------


@pytest.fixture
def ladder_world(account, product, officer_co_do):
    change = propose_story(account, product)
    return {"change": change, "product": product, "photo": None}


def _pages(world):
    change, product = world["change"], world["product"]
    return {
        "index": (reverse("listings:index"), "get"),
        "producer form": (reverse("listings:producer_edit"), "get"),
        "product form": (reverse("listings:product_edit", args=[product.pk]), "get"),
        "proposal": (change.get_absolute_url(), "get"),
        "withdraw": (reverse("listings:withdraw", args=[change.pk]), "post"),
    }


@pytest.mark.parametrize("name", ["index", "producer form", "product form", "proposal", "withdraw"])
def test_the_producers_pages_ladder(
    client, login, ladder_world, name, account, other_account, officer_co_do
):
    url, method = _pages(ladder_world)[name]
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    # An officer: refused, told who keeps the page (or not found: not its record).
    staff = getattr(login(officer_co_do), method)(url)
    assert staff.status_code in (403, 404)
    if name in ("index", "producer form", "product form"):
        assert staff.status_code == 403 and PROPOSE in staff.content.decode()
    # Another producer's account: its own index, nothing of this one.
    other = getattr(login(other_account), method)(url)
    if name in ("index", "producer form"):
        assert other.status_code == 200
        assert "Hợp tác xã Trà Cờ Đỏ" not in other.content.decode()
    else:
        assert other.status_code == 404
    allowed = getattr(login(account), method)(url, {"version": ladder_world["change"].version})
    assert allowed.status_code in (200, 302)


@pytest.mark.parametrize("name", ["list", "detail", "approve", "reject", "photo"])
def test_the_review_pages_ladder(
    client, login, account, product, officer_co_do, officer_ninh_kieu, city_reviewer, name
):
    change = services.propose(
        account,
        product,
        values={"story": "Mới."},
        photos=[services.NewPhoto(png(), "Ảnh")],
        version=product.version,
    )
    photo = change.photos.get()
    url, method = {
        "list": (reverse("listing_reviews:list"), "get"),
        "detail": (change.get_review_url(), "get"),
        "approve": (reverse("listing_reviews:approve", args=[change.pk]), "post"),
        "reject": (reverse("listing_reviews:reject", args=[change.pk]), "post"),
        "photo": (photo.get_review_url(), "get"),
    }[name]
    data = {"version": change.version, "note": "Lý do."}
    anonymous = getattr(client, method)(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    outsider = getattr(login(officer_ninh_kieu), method)(url, data)
    producer = getattr(login(account), method)(url, data)
    # The review is the staff's workspace: a producer's account, its own proposal's too, is
    # refused there (its proposal is on its own page).
    workspace = str(policy.can(account, "workspace.enter").reason)
    assert producer.status_code == 403 and workspace in producer.content.decode()
    if name == "list":
        assert outsider.status_code == 200
        assert "Mới." not in outsider.content.decode()
        city = login(city_reviewer).get(url)
        assert city.status_code == 403 and REVIEW in city.content.decode()
    else:
        assert outsider.status_code == 404
    if name in ("approve", "reject"):
        refused = login(city_reviewer).post(url, data)
        assert refused.status_code == 403 and REVIEW in refused.content.decode()
    allowed = getattr(login(officer_co_do), method)(url, data)
    assert allowed.status_code in (200, 302)
    change.refresh_from_db()
    expected = {"approve": S.APPROVED, "reject": S.REJECTED}.get(name, S.PENDING)
    assert change.status == expected


def test_the_staged_photo_is_private(client, login, account, other_account, product):
    change = services.propose(
        account,
        product,
        values={},
        photos=[services.NewPhoto(png(), "Ảnh")],
        version=product.version,
    )
    photo = change.photos.get()
    assert client.get(f"/media/{photo.file.name}").status_code == 404
    assert login(other_account).get(photo.get_absolute_url()).status_code == 404
    response = login(account).get(photo.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_publishes_two_pages_and_one_waiting_proposal(co_do, ninh_kieu, today):
    from ocop_portal import demo

    officer = UserFactory(areas=[ninh_kieu], username="ninhkieu")
    for name in demo.listings.PAGES:
        product = ProductFactory(name=name, producer=ProducerFactory(area=ninh_kieu))
        CertificateFactory(product=product, decision_date=today - timedelta(days=30))
    own = ProductFactory(name="Nước xoài", producer=ProducerFactory(area=ninh_kieu))
    CertificateFactory(product=own, decision_date=today - timedelta(days=30))
    account = account_of(own.producer, username="chuthe1")

    assert demo.load_public_pages(account) == {"published": 2, "proposals": 1}
    assert demo.load_public_pages(account) == {"published": 0, "proposals": 0}
    for name, page in demo.listings.PAGES.items():
        product = Product.objects.get(name=name)
        assert product.story == page["story"]
        assert product.points_of_sale.count() == 3
        assert {p.kind for p in product.points_of_sale.all()} >= {"online"}
    change = PageChange.objects.get()
    assert (change.product, change.proposed_by, change.status) == (own, account, S.PENDING)
    assert change.photos.count() == 1
    assert Notice.objects.get(kind=Notice.Kind.PAGE).recipient == officer
    own.refresh_from_db()
    assert own.story == ""
