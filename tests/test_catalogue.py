"""The public catalogue: only products certified today, found without diacritics, each with a
QR code that leads back to its page; open data; nothing private on any public page; cached
pages refreshed by the next write."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
import segno
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from areas.models import Area
from products import qr
from products.catalogue_views import slug_of
from products.models import Certificate
from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, category_148

pytestmark = pytest.mark.django_db

LIST = "/catalogue/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


def commune(name: str) -> Area:
    return Area.objects.current().get(name=name, parent__code="92")


def certify(product, today, stars=4, **kwargs) -> Certificate:
    """A certificate valid today (decided 100 days ago)."""
    kwargs.setdefault("decision_date", today - timedelta(days=100))
    return CertificateFactory(product=product, stars=stars, **kwargs)


@pytest.fixture
def st25(can_tho, today):
    producer = ProducerFactory(
        name="Doanh nghiệp tư nhân Hồ Quang Trí",
        kind="dn",
        area=commune("Xã Tài Văn"),
        tax_code="1801234567",
        phone="0292 3888 999",
        phone_public=False,
        email="hoquangtri@ocop.example",
        email_public=True,
        website="https://gaost25.example",
        website_public=False,
    )
    product = ProductFactory(
        producer=producer,
        name="Gạo ST25 Hồ Quang Trí",
        category=category_148("I.2.a"),
        description="Gạo thơm trồng trên đất giồng cát.",
    )
    certify(product, today, stars=5, score=93, level="central", decision_number="2361/QĐ-BNNMT")
    return product


def page_text(response) -> str:
    return response.getvalue().decode()


def names_in(html: str) -> list[str]:
    return re.findall(r'<a class="stretched-link" href="[^"]+">([^<]+)</a>', html)


# --- What is listed ------------------------------------------------------------------------


def test_catalogue_lists_only_products_certified_today(client, st25, co_do, today):
    expired = ProductFactory(name="Khô cá hết hạn")
    certify(expired, today, decision_date=today - timedelta(days=4 * 365))
    revoked = ProductFactory(name="Bánh bị thu hồi")
    certify(revoked, today, revoked_on=today - timedelta(days=1), revoked_reason="Vi phạm")
    draft = ProductFactory(name="Trà mới đăng ký")
    renewed = ProductFactory(name="Mắm được công nhận lại")
    certify(renewed, today, decision_date=today - timedelta(days=4 * 365))
    certify(renewed, today, kind="renewal")

    response = client.get(LIST)
    assert response.status_code == 200
    assert names_in(page_text(response)) == ["Gạo ST25 Hồ Quang Trí", "Mắm được công nhận lại"]
    # Once certified, its address says it no longer is (410); never certified, not there.
    for product, status in ((expired, 410), (revoked, 410), (draft, 404)):
        url = reverse("catalogue:product", args=[product.pk, slug_of(product)])
        assert client.get(url).status_code == status
        assert client.get(reverse("catalogue:qr_png", args=[product.pk])).status_code == status
        assert product.name not in client.get("/catalogue.csv").getvalue().decode()
        assert product.name not in client.get("/sitemap.xml").content.decode()


def test_catalogue_is_sorted_by_stars_then_name(client, can_tho, today):
    for name, stars in [("Bánh pía", 3), ("Chả cá", 4), ("Gạo ST25", 5), ("Ấm trà", 3)]:
        certify(ProductFactory(name=name), today, stars=stars)
    html = page_text(client.get(LIST))
    assert names_in(html) == ["Gạo ST25", "Chả cá", "Ấm trà", "Bánh pía"]


def test_search_ignores_case_and_diacritics(client, st25, today):
    certify(ProductFactory(name="Trà mãng cầu Kim Nhiên"), today)
    for query in ["gao st25", "GẠO ST25", "ho quang tri", "Hồ Quang"]:
        assert names_in(page_text(client.get(LIST, {"q": query}))) == ["Gạo ST25 Hồ Quang Trí"]
    assert names_in(page_text(client.get(LIST, {"q": "tra mang cau"}))) == [
        "Trà mãng cầu Kim Nhiên"
    ]


def test_filters_by_stars_sector_and_area(client, st25, co_do, today):
    # A producer of the former Cờ Đỏ district, recognised again in 2025 in Xã Thới Hưng.
    old = ProductFactory(name="Trà mãng cầu Thới Hưng", producer=ProducerFactory(area=co_do))
    certify(old, today, stars=3, area=commune("Xã Thới Hưng"))
    craft = ProductFactory(
        name="Đan lát lục bình", category=category_148("IV.1"), producer=ProducerFactory()
    )
    certify(craft, today, stars=3, area=co_do)

    def names(**params):
        return names_in(page_text(client.get(LIST, params)))

    assert names(stars=5) == ["Gạo ST25 Hồ Quang Trí"]
    assert names(stars=3) == ["Đan lát lục bình", "Trà mãng cầu Thới Hưng"]
    assert names(sector="thuc-pham") == ["Gạo ST25 Hồ Quang Trí", "Trà mãng cầu Thới Hưng"]
    assert names(sector="thu-cong-my-nghe") == ["Đan lát lục bình"]
    assert names(area=commune("Xã Tài Văn").pk) == ["Gạo ST25 Hồ Quang Trí"]
    assert names(area=commune("Xã Thới Hưng").pk) == ["Trà mãng cầu Thới Hưng"]
    # The former district covers the communes that took over its territory.
    assert names(area=co_do.pk) == ["Đan lát lục bình", "Trà mãng cầu Thới Hưng"]

    form = client.get(LIST).content.decode()
    assert "Quận, huyện trước 01/07/2025" in form and "Xã, phường hiện nay" in form
    assert ">Huyện Ninh Kiều<" not in form and ">Quận Ninh Kiều<" not in form


def test_pagination_keeps_the_filters(client, can_tho, today):
    for number in range(30):
        certify(ProductFactory(name=f"Bánh thử {number:02d}"), today, stars=3)
    first = page_text(client.get(LIST, {"stars": 3}))
    assert len(names_in(first)) == 24
    assert 'href="?stars=3&amp;page=2"' in first
    second = page_text(client.get(LIST, {"stars": 3, "page": 2}))
    assert names_in(second) == [f"Bánh thử {n}" for n in range(24, 30)]


# --- The product page ----------------------------------------------------------------------


def test_product_page_shows_certificate_producer_and_public_contacts_only(client, st25, today):
    certify(ProductFactory(name="Gạo ST24 Hồ Quang Trí", producer=st25.producer), today)
    response = client.get(f"/catalogue/{st25.pk}-gao-st25-ho-quang-tri/")
    assert response.status_code == 200
    html = page_text(response)
    certificate = st25.certificates.get()
    for text in [
        "Gạo ST25 Hồ Quang Trí",
        "Gạo thơm trồng trên đất giồng cát.",
        "2361/QĐ-BNNMT",
        certificate.decision_date.strftime("%d/%m/%Y"),
        certificate.valid_until.strftime("%d/%m/%Y"),
        "Trung ương",
        "Doanh nghiệp tư nhân Hồ Quang Trí",
        "Xã Tài Văn, Thành phố Cần Thơ",
        "Thực phẩm",
        "hoquangtri@ocop.example",  # published
        "Gạo ST24 Hồ Quang Trí",  # the producer's other certified product
        f"/catalogue/producers/{st25.producer_id}/labels/",
    ]:
        assert text in html, text
    for private in ["1801234567", "0292 3888 999", "gaost25.example", "93.00", "93,00", "điểm"]:
        assert private not in html.split("<main", 1)[1], private


def test_a_former_district_is_named_with_the_communes_that_took_it_over(client, co_do, today):
    product = ProductFactory(name="Khô cá sặc", producer=ProducerFactory(area=co_do))
    certify(product, today, area=co_do, decision_date=today - timedelta(days=200))
    html = page_text(client.get(reverse("catalogue:product_short", args=[product.pk]), follow=True))
    assert "Huyện Cờ Đỏ, Thành phố Cần Thơ" in html
    assert "(đơn vị hành chính đến 30/06/2025)" in html
    assert "Nay thuộc địa bàn của:" in html and "Xã Thới Hưng" in html


def test_a_producer_of_a_former_district_recognised_in_a_new_commune(client, co_do, today):
    product = ProductFactory(name="Khô cá rô", producer=ProducerFactory(area=co_do))
    certify(product, today, area=commune("Xã Trung Hưng"))
    html = page_text(client.get(f"/catalogue/{product.pk}-kho-ca-ro/"))
    assert "Xã Trung Hưng, Thành phố Cần Thơ" in html
    assert "Trước 01/07/2025: Huyện Cờ Đỏ, Thành phố Cần Thơ" in html


@pytest.mark.parametrize("wrong", ["", "gao-st24", "GAO-ST25-HO-QUANG-TRI"])
def test_any_other_address_redirects_to_the_readable_one(client, st25, wrong):
    url = f"/catalogue/{st25.pk}-{wrong}/" if wrong else f"/catalogue/{st25.pk}/"
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == f"/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"


def test_titles_descriptions_and_open_graph_with_the_photo(client, st25, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 90)).save(image, format="PNG")
    st25.photo = SimpleUploadedFile("st25.png", image.getvalue(), content_type="image/png")
    st25.save()
    html = page_text(client.get(f"/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"))
    page_url = f"http://testserver/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"
    assert "<title>Gạo ST25 Hồ Quang Trí — sản phẩm OCOP 5 sao · Thành phố Cần Thơ</title>" in html
    assert re.search(
        r'<meta name="description" content="Gạo ST25 Hồ Quang Trí: sản phẩm OCOP 5', html
    )
    assert f'<meta property="og:url" content="{page_url}">' in html
    assert f'<link rel="canonical" href="{page_url}">' in html
    assert '<meta property="og:type" content="product">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/products/', html)
    listing = page_text(client.get(LIST))
    assert "<title>Danh mục sản phẩm OCOP · Thành phố Cần Thơ</title>" in listing
    assert '<meta property="og:url" content="http://testserver/catalogue/">' in listing


# --- QR codes ------------------------------------------------------------------------------


def modules_of(png: bytes, size: int) -> list[list[bool]]:
    """Read a QR code's modules back from segno's PNG: the centre pixel of each module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    border = 4
    step = image.width // (size + 2 * border)
    return [
        [
            image.getpixel(((border + x) * step + step // 2, (border + y) * step + step // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_the_qr_code_leads_back_to_the_product_page(client, st25):
    # An anonymous visitor finds the product, opens its page and downloads the code.
    listing = page_text(client.get(LIST, {"q": "gao st25"}))
    page_path = re.search(r'<a class="stretched-link" href="([^"]+)">Gạo ST25', listing).group(1)
    html = page_text(client.get(page_path))
    png_path = re.search(r'href="([^"]+qr\.png)\?download=1"', html).group(1)
    response = client.get(png_path, {"download": 1})
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="qr-ocop-{st25.pk}-gao-st25-ho-quang-tri.png"'
    )
    png = response.content
    page_url = f"http://testserver{page_path}"

    expected = segno.make(page_url, error=qr.ERROR, micro=False)
    matrix = [[bool(bit) for bit in row] for row in expected.matrix]
    assert modules_of(png, len(matrix)) == matrix
    with Image.open(io.BytesIO(png)) as image:
        assert image.width >= 600 and round(image.info["dpi"][0]) == 300
        try:
            import zxingcpp
        except ImportError:
            return
        assert [code.text for code in zxingcpp.read_barcodes(image.convert("L"))] == [page_url]


def test_the_qr_code_is_shown_on_the_page_and_served_as_svg(client, st25):
    html = page_text(client.get(f"/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"))
    assert f'<img class="catalogue-qr" src="/catalogue/{st25.pk}/qr.svg"' in html
    response = client.get(f"/catalogue/{st25.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert "Content-Disposition" not in response
    page_url = f"http://testserver/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"
    assert response.content == qr.svg(page_url, title="Gạo ST25 Hồ Quang Trí")


def test_a_printable_sheet_of_labels_per_producer(client, st25, today):
    certify(ProductFactory(name="Gạo ST24", producer=st25.producer), today, stars=4)
    expired = ProductFactory(name="Gạo cũ", producer=st25.producer)
    certify(expired, today, decision_date=today - timedelta(days=4 * 365))
    response = client.get(f"/catalogue/producers/{st25.producer_id}/labels/")
    html = page_text(response)
    assert html.count('class="ocop-label"') == 2
    assert html.count('<svg viewBox="0 0 ') == 2
    assert "Gạo ST25 Hồ Quang Trí" in html and "Gạo ST24" in html and "Gạo cũ" not in html
    assert "/static/css/catalogue.css" in html
    assert "1801234567" not in html

    nothing_certified = ProducerFactory()
    ProductFactory(producer=nothing_certified)
    url = f"/catalogue/producers/{nothing_certified.pk}/labels/"
    assert client.get(url).status_code == 404


# --- Open data, sitemap, robots.txt ----------------------------------------------------------


def test_csv_for_excel_with_formulas_neutralised(client, st25, today):
    producer = ProducerFactory(
        name='=HYPERLINK("http://x")', phone="+84 292 3821 234", phone_public=True
    )
    certify(ProductFactory(name="@Trà", producer=producer), today, stars=3)
    response = client.get("/catalogue.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-ocop-')
    content = response.getvalue().decode("utf-8")
    assert content.startswith("\ufeffMã sản phẩm,Tên sản phẩm,Hạng sao,Chủ thể")
    rows = list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff"))))
    assert [row["Tên sản phẩm"] for row in rows] == ["Gạo ST25 Hồ Quang Trí", "'@Trà"]
    assert rows[1]["Chủ thể"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["Điện thoại"] == "'+84 292 3821 234"
    assert rows[0]["Trang sản phẩm"] == (
        f"http://testserver/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"
    )
    assert rows[0]["Email"] == "hoquangtri@ocop.example"
    assert rows[0]["Điện thoại"] == "" and rows[0]["Website"] == ""
    assert "1801234567" not in content and "93.00" not in content


def test_json_has_the_same_public_fields(client, st25):
    response = client.get("/catalogue.json", {"stars": 5})
    data = json.loads(response.getvalue())
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["count"] == 1
    (product,) = data["products"]
    assert list(product) == list(data["fields"])
    assert product["name"] == "Gạo ST25 Hồ Quang Trí"
    assert product["stars"] == 5
    assert product["area"] == "Xã Tài Văn, Thành phố Cần Thơ"
    assert product["decision_number"] == "2361/QĐ-BNNMT"
    assert product["url"] == f"http://testserver/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"
    assert product["phone"] == "" and product["website"] == ""
    assert "score" not in product and "tax_code" not in product


def test_sitemap_lists_the_catalogue_and_each_certified_product(client, st25, today):
    expired = ProductFactory(name="Khô cá hết hạn")
    certify(expired, today, decision_date=today - timedelta(days=4 * 365))
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    locations = re.findall(r"<loc>([^<]+)</loc>", response.getvalue().decode())
    assert locations == [
        "http://testserver/catalogue/",
        f"http://testserver/catalogue/{st25.pk}-gao-st25-ho-quang-tri/",
    ]


def test_robots_txt_allows_the_catalogue_and_keeps_out_of_internal_pages(client, can_tho):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.getvalue().decode().splitlines()
    for line in ["Allow: /catalogue/", "Allow: /catalogue.csv", "Allow: /catalogue.json"]:
        assert line in lines
    for internal in ["/admin/", "/accounts/", "/producers/", "/products/", "/areas/"]:
        assert f"Disallow: {internal}" in lines
    assert not any(line.startswith("Disallow: /catalogue") for line in lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_catalogue_is_in_everyones_menu(client, login, officer_co_do, can_tho):
    assert 'href="/catalogue/"' in page_text(client.get("/"))
    labels = [str(item.label) for item in client.get("/").context["nav_items"]]
    assert "Danh mục sản phẩm" in labels
    response = login(officer_co_do).get("/")
    assert 'href="/catalogue/"' in page_text(response)


# --- Speed: fixed query counts, cached pages refreshed by writes --------------------------------


def test_list_and_product_page_query_counts_do_not_grow(
    client, can_tho, today, django_assert_max_num_queries, django_assert_num_queries
):
    producer = ProducerFactory(area=district("925"))
    products = [ProductFactory(name=f"Sản phẩm {n}", producer=producer) for n in range(30)]
    for product in products:
        certify(product, today)
    product_url = f"/catalogue/{products[0].pk}-{slug_of(products[0])}/"
    # data as of, area and sector choices, count, page, certificates with their areas
    with django_assert_max_num_queries(6):
        assert client.get(LIST, {"q": "san pham"}).status_code == 200
    # data as of, product, certificate, successors of the former district, other products,
    # its gallery and its points of sale
    with django_assert_max_num_queries(7):
        assert client.get(product_url).status_code == 200
    # From the cache, "data as of" kept with the page: no query at all.
    with django_assert_num_queries(0):
        warm = client.get(LIST, {"q": "san pham"})
    assert len(names_in(page_text(warm))) == 24
    with django_assert_num_queries(0):
        assert client.get(product_url).status_code == 200


def test_cached_pages_change_with_the_next_write(client, st25, today):
    url = f"/catalogue/{st25.pk}-gao-st25-ho-quang-tri/"
    assert "Gạo ST25" in page_text(client.get(LIST))
    client.get(url)

    st25.description = "Vụ mùa 2025."
    st25.save()
    assert "Vụ mùa 2025." in page_text(client.get(url))

    certificate = st25.certificates.get()
    certificate.revoked_on = today
    certificate.revoked_reason = "Không duy trì chất lượng"
    certificate.save()
    assert names_in(page_text(client.get(LIST))) == []
    assert client.get(url).status_code == 410


# --- Nothing private on any public page of the demo --------------------------------------------


def public_pages(client) -> dict[str, str]:
    """Every public page of the demo, by address: the catalogue's pages, each product, each
    producer's labels, the open data, sitemap, robots.txt and the home page."""
    pages = {}

    def visit(url):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages[url] = response.getvalue().decode()
        return pages[url]

    visit("/")
    visit("/robots.txt")
    visit("/catalogue.csv")
    visit("/catalogue.json")
    sitemap = visit("/sitemap.xml")
    listing = visit(LIST)
    for number in range(2, 2 + len(re.findall(r'rel="next"', listing))):
        visit(f"{LIST}?page={number}")
    for location in re.findall(r"<loc>http://testserver([^<]+)</loc>", sitemap):
        html = visit(location)
        labels = re.search(r'href="(/catalogue/producers/\d+/labels/)"', html)
        if labels and labels.group(1) not in pages:
            visit(labels.group(1))
    for filters in [{"stars": 5}, {"q": "gao"}, {"sector": "thuc-pham"}]:
        visit(f"{LIST}?{'&'.join(f'{k}={v}' for k, v in filters.items())}")
    return pages
