"""Producer and product pages: the permission ladder, forms that refuse bad input next to the
field, filters and search, and query counts that do not grow with the rows."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from areas.models import Area
from products.models import Product
from subjects.models import Producer
from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def producer_co_do(co_do):
    return ProducerFactory(name="Công ty TNHH Trà Kim Nhiên", area=co_do, kind="dn")


@pytest.fixture
def product_co_do(producer_co_do):
    product = ProductFactory(producer=producer_co_do, name="Trà mãng cầu Kim Nhiên")
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=30))
    return product


def commune(name: str) -> Area:
    return Area.objects.current().get(name=name, parent__code="92")


def png_bytes(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 67)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- The ladder on every page ------------------------------------------------------------

LIST_PAGES = ["subjects:list", "subjects:create", "products:list", "products:create"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_pages_need_login(client, can_tho, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", LIST_PAGES)
def test_pages_open_for_an_officer(login, officer_co_do, name):
    assert login(officer_co_do).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["subjects:list", "products:list"])
def test_lists_refuse_post(login, officer_co_do, name):
    assert login(officer_co_do).post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["subjects:create", "products:create"])
def test_forms_refuse_other_methods(login, officer_co_do, name):
    assert login(officer_co_do).delete(reverse(name)).status_code == 405


def object_urls(product):
    return [
        reverse("subjects:detail", args=[product.producer.pk]),
        reverse("subjects:edit", args=[product.producer.pk]),
        reverse("products:detail", args=[product.pk]),
        reverse("products:edit", args=[product.pk]),
    ]


def test_object_pages_ladder(
    client, login, officer_co_do, officer_ninh_kieu, city_reviewer, product_co_do
):
    for url in object_urls(product_co_do):
        assert client.get(url).status_code == 302, url
    outsider = login(officer_ninh_kieu)
    for url in object_urls(product_co_do):
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url).status_code in (404, 405), url
    for user in (officer_co_do, city_reviewer):
        allowed = login(user)
        for url in object_urls(product_co_do):
            assert allowed.get(url).status_code == 200, url
        assert allowed.put(object_urls(product_co_do)[0]).status_code == 405


def test_outsider_cannot_list_or_find_another_districts_records(
    login, officer_ninh_kieu, product_co_do
):
    client = login(officer_ninh_kieu)
    assert client.get(reverse("subjects:list")).context["page"].paginator.count == 0
    found = client.get(reverse("products:list"), {"q": "tra mang cau"})
    assert found.context["page"].paginator.count == 0
    assert "Kim Nhiên" not in found.text


# --- Producers ----------------------------------------------------------------------------


def producer_data(area: Area, **overrides) -> dict:
    data = {
        "kind": "htx",
        "name": "Hợp tác xã Nông nghiệp Thới Hưng",
        "tax_code": "1801234567",
        "legal_representative": "Nguyễn Văn Tư",
        "area": area.pk,
        "address": "ấp Thới Hòa",
        "phone": "0292 3861 234",
        "email": "htx.thoihung@example.vn",
        "website": "",
        "workers_total": "25",
        "workers_women": "12",
        "workers_ethnic_minority": "",
        "workers_local": "20",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_producer_in_their_commune(login, officer_co_do):
    client = login(officer_co_do)
    area = commune("Xã Thới Hưng")
    response = client.post(reverse("subjects:create"), producer_data(area), follow=True)
    producer = Producer.objects.get(tax_code="1801234567")
    assert response.redirect_chain[-1][0] == producer.get_absolute_url()
    assert "Đã đăng ký chủ thể" in response.text
    assert producer.area == area
    assert producer.history.first().history_user == officer_co_do


def test_officer_cannot_register_a_producer_in_another_district(login, officer_co_do):
    response = login(officer_co_do).post(
        reverse("subjects:create"), producer_data(commune("Phường Cái Khế"))
    )
    assert response.status_code == 200
    assert (
        "Hãy chọn một lựa chọn hợp lệ" in response.text or "Lựa chọn không hợp lệ" in response.text
    )
    assert not Producer.objects.filter(tax_code="1801234567").exists()


def test_bad_values_are_explained_next_to_their_fields_and_nothing_is_saved(login, officer_co_do):
    ProducerFactory(tax_code="1801234567", name="Một chủ thể khác")
    data = producer_data(
        commune("Xã Thới Hưng"),
        tax_code="1801234567",
        email="khong-phai-email",
        workers_women="30",
        phone="abc",
    )
    response = login(officer_co_do).post(reverse("subjects:create"), data)
    errors = response.context["form"].errors
    # The other producer is in the officer's district: it is named.
    assert errors["tax_code"] == [
        "Mã số thuế này đã được đăng ký cho chủ thể “Một chủ thể khác” (Huyện Cờ Đỏ)."
    ]
    assert errors["workers_women"] == ["Không được lớn hơn tổng số lao động (25)."]
    assert "email" in errors and "phone" in errors
    assert Producer.objects.count() == 1


def test_malformed_tax_code_is_refused(login, officer_co_do):
    data = producer_data(commune("Xã Thới Hưng"), tax_code="18-ABC")
    errors = login(officer_co_do).post(reverse("subjects:create"), data).context["form"].errors
    assert "Mã số thuế gồm 10 chữ số" in errors["tax_code"][0]


def test_same_name_in_the_province_warns_before_saving(login, officer_co_do, officer_ninh_kieu):
    ProducerFactory(name="HỢP TÁC XÃ NÔNG NGHIỆP THỚI HƯNG", area=district("916"))
    client = login(officer_co_do)
    data = producer_data(commune("Xã Thới Hưng"))
    response = client.post(reverse("subjects:create"), data)
    assert response.status_code == 200
    assert "Trong tỉnh đã có chủ thể trùng tên" in response.text
    # In another district: neither its name nor its area is shown (tests/test_hardening.py).
    assert "Một chủ thể trùng tên đã có ở một địa bàn khác." in response.text
    assert "Quận Ninh Kiều" not in response.text
    assert Producer.objects.count() == 1
    response = client.post(reverse("subjects:create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Producer.objects.count() == 2


def test_editing_a_producer_shows_the_change_in_its_history(login, officer_co_do, producer_co_do):
    client = login(officer_co_do)
    data = producer_data(
        producer_co_do.area, name=producer_co_do.name, kind="dn", tax_code="", address="ấp Mới"
    )
    data["version"] = producer_co_do.version
    assert client.post(reverse("subjects:edit", args=[producer_co_do.pk]), data).status_code == 302
    response = client.get(producer_co_do.get_absolute_url())
    assert "Lịch sử thay đổi" in response.text
    assert "ấp Mới" in response.text
    history = response.context["history"]
    assert history[0].who == officer_co_do.get_full_name()
    assert "địa chỉ" in [change.field for change in history[0].changes]


def test_producer_list_filters_and_sorts(login, city_reviewer, co_do, ninh_kieu):
    ProducerFactory(name="Doanh nghiệp Gạo Cờ Đỏ", kind="dn", area=co_do)
    ProducerFactory(name="Hộ Bánh Ninh Kiều", kind="ho", area=ninh_kieu)
    client = login(city_reviewer)
    by_kind = client.get(reverse("subjects:list"), {"kind": "dn"}).context["page"].object_list
    assert [p.name for p in by_kind] == ["Doanh nghiệp Gạo Cờ Đỏ"]
    by_area = (
        client.get(reverse("subjects:list"), {"area": ninh_kieu.pk}).context["page"].object_list
    )
    assert [p.name for p in by_area] == ["Hộ Bánh Ninh Kiều"]
    names = [
        p.name for p in client.get(reverse("subjects:list"), {"sort": "-name"}).context["page"]
    ]
    assert names == ["Hộ Bánh Ninh Kiều", "Doanh nghiệp Gạo Cờ Đỏ"]


def test_producer_pages_run_a_fixed_number_of_queries(
    login, city_reviewer, co_do, django_assert_max_num_queries
):
    for _ in range(30):
        producer = ProducerFactory(area=co_do)
        ProductFactory(producer=producer)
    client = login(city_reviewer)
    with django_assert_max_num_queries(10):
        client.get(reverse("subjects:list"))
    with django_assert_max_num_queries(14):
        client.get(producer.get_absolute_url())


# --- Products -----------------------------------------------------------------------------


def product_data(producer: Producer, **overrides) -> dict:
    from tests.factories import category_26

    data = {
        "producer": producer.pk,
        "name": "Mứt mãng cầu Thới Hưng",
        "category": category_26("I.3.c").pk,
        "description": "Mứt mãng cầu xiêm sấy dẻo.",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_product_with_a_photo(
    login, officer_co_do, producer_co_do, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("mut.png", png_bytes(), content_type="image/png")
    response = login(officer_co_do).post(
        reverse("products:create"), {**product_data(producer_co_do), "photo": photo}
    )
    product = Product.objects.get(name="Mứt mãng cầu Thới Hưng")
    assert response["Location"] == product.get_absolute_url()
    assert product.photo.name.endswith(".png")


def test_create_product_form_starts_from_the_producer(login, officer_co_do, producer_co_do):
    response = login(officer_co_do).get(reverse("products:create"), {"producer": producer_co_do.pk})
    assert response.context["form"].initial["producer"] == producer_co_do


def test_a_renamed_text_file_is_not_a_photo(login, officer_co_do, producer_co_do):
    fake = SimpleUploadedFile("anh.jpg", b"day khong phai la anh", content_type="image/jpeg")
    response = login(officer_co_do).post(
        reverse("products:create"), {**product_data(producer_co_do), "photo": fake}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Product.objects.filter(name="Mứt mãng cầu Thới Hưng").exists()


def test_an_oversize_photo_is_refused(login, officer_co_do, producer_co_do):
    big = SimpleUploadedFile(
        "to.png", png_bytes() + b"\0" * (5 * 1024 * 1024), content_type="image/png"
    )
    response = login(officer_co_do).post(
        reverse("products:create"), {**product_data(producer_co_do), "photo": big}
    )
    assert "Ảnh quá lớn: tối đa 5 MB." in response.context["form"].errors["photo"]


def test_a_gif_is_refused_by_its_content(login, officer_co_do, producer_co_do):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")
    response = login(officer_co_do).post(
        reverse("products:create"), {**product_data(producer_co_do), "photo": gif}
    )
    assert "Chỉ nhận ảnh JPEG, PNG hoặc WebP" in response.context["form"].errors["photo"][0]


def test_same_name_product_of_the_same_producer_is_refused_next_to_the_name(
    login, officer_co_do, product_co_do
):
    data = product_data(product_co_do.producer, name="TRA MANG CAU KIM NHIEN")
    data["name"] = "trà mãng cầu kim nhiên"
    response = login(officer_co_do).post(reverse("products:create"), data)
    assert response.context["form"].errors["name"] == ["Chủ thể này đã có một sản phẩm cùng tên."]


def test_officer_cannot_register_a_product_for_another_districts_producer(
    login, officer_ninh_kieu, producer_co_do
):
    response = login(officer_ninh_kieu).post(
        reverse("products:create"), product_data(producer_co_do)
    )
    assert "producer" in response.context["form"].errors
    assert not Product.objects.filter(name="Mứt mãng cầu Thới Hưng").exists()


def test_product_search_ignores_diacritics(login, officer_co_do, product_co_do):
    response = login(officer_co_do).get(reverse("products:list"), {"q": "tra mang cau"})
    assert [p.name for p in response.context["page"]] == ["Trà mãng cầu Kim Nhiên"]


def test_product_list_filters(login, city_reviewer, co_do, ninh_kieu):
    today = timezone.localdate()
    certified = ProductFactory(producer=ProducerFactory(area=co_do, kind="dn"), name="Gạo thơm")
    CertificateFactory(product=certified, stars=4, decision_date=date(today.year - 1, 1, 15))
    expiring = ProductFactory(producer=ProducerFactory(area=ninh_kieu, kind="ho"), name="Bánh pía")
    CertificateFactory(
        product=expiring, stars=3, decision_date=today - timedelta(days=3 * 365 - 40)
    )
    ProductFactory(name="Mật ong rừng", producer=ProducerFactory(area=co_do))
    client = login(city_reviewer)

    def names(**params):
        return sorted(p.name for p in client.get(reverse("products:list"), params).context["page"])

    assert names(stars="4") == ["Gạo thơm"]
    assert names(status="expiring") == ["Bánh pía"]
    assert names(status="registered") == ["Mật ong rừng"]
    assert names(kind="ho") == ["Bánh pía"]
    assert names(area=ninh_kieu.pk) == ["Bánh pía"]
    assert names(year=str(today.year - 1)) == ["Gạo thơm"]
    assert names(expiring_within="60") == ["Bánh pía"]
    sector = certified.category.parent.parent
    assert names(sector=sector.pk) == ["Bánh pía", "Gạo thơm", "Mật ong rừng"]
    assert names(sort="-stars")[0] in {"Gạo thơm", "Bánh pía", "Mật ong rừng"}


def test_product_list_explains_a_bad_filter_value(login, city_reviewer):
    response = login(city_reviewer).get(reverse("products:list"), {"expiring_within": "-5"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["expiring_within"]


def test_product_pages_run_a_fixed_number_of_queries(
    login, city_reviewer, co_do, django_assert_max_num_queries
):
    producer = ProducerFactory(area=co_do)
    for _ in range(30):
        product = ProductFactory(producer=producer)
        CertificateFactory(product=product)
    client = login(city_reviewer)
    # session, user, scope, count, page, 3 filter choices, "as of", 2 savepoints
    with django_assert_max_num_queries(11):
        response = client.get(reverse("products:list"))
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(12):
        client.get(product.get_absolute_url())


def test_product_detail_shows_its_certificates(login, officer_co_do, product_co_do):
    response = login(officer_co_do).get(product_co_do.get_absolute_url())
    certificate = product_co_do.certificates.get()
    assert certificate.decision_number in response.text
    assert "Đang có chứng nhận" in response.text


def test_pagination_and_sort_links_keep_the_filters(login, city_reviewer, co_do):
    producer = ProducerFactory(area=co_do)
    for _ in range(30):
        ProductFactory(producer=producer)
    response = login(city_reviewer).get(reverse("products:list"), {"q": "san pham", "kind": "htx"})
    assert 'href="?q=san+pham&amp;kind=htx&amp;page=2"' in response.text
    assert 'href="?q=san+pham&amp;kind=htx&amp;sort=-name"' in response.text
    assert "??" not in response.text


def test_product_page_leads_to_its_evaluations(login, officer_co_do, product_co_do):
    response = login(officer_co_do).get(product_co_do.get_absolute_url())
    assert f'href="/evaluations/new/?product={product_co_do.pk}"' in response.text
    assert "Sản phẩm chưa có hồ sơ đánh giá nào" in response.text
