"""load_demo's registry: Cần Thơ's published OCOP figures computed from the certificate records,
the real products under their real producers, everything invented flagged illustrative, and a
second run that changes nothing."""

import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command

from accounts.models import User
from areas.models import Area
from products import demo as registry
from products.models import Certificate, Product
from subjects.models import Producer

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

#: A fixed "today" for checks of what is valid now.
TODAY = date(2026, 11, 22)
END_2021 = date(2021, 12, 31)
END_2022 = date(2022, 12, 31)
DISTRICTS_UNTIL = date(2025, 6, 30)
DISTRICTS = {"916", "917", "918", "919", "923", "924", "925", "926", "927"}

#: Real producers (name, kind, former district) and their real products (stars, year, score).
REAL_PRODUCTS = {
    ("Công ty TNHH Chế biến nông sản Kim Nhiên", "dn", "925"): [
        ("Trà mãng cầu Kim Nhiên", 4, 2020, 80),
    ],
    ("Hộ kinh doanh Chương Văn Khanh", "ho", "923"): [
        ("Khô cá tra một nắng Út Anh", 4, 2020, 71),
        ("Khô cá tra tẩm ướp Út Anh", 3, 2020, 69),
        ("Nước mắm cá linh Út Anh", 3, 2020, 66),
    ],
    ("Hợp tác xã trái cây Tân Lộc", "htx", "923"): [("Nhãn Idol", 3, 2020, 63)],
    ("Công ty cổ phần thực phẩm Phạm Nghĩa", "dn", "919"): [
        ("Chả cá thát lát Phạm Nghĩa", 4, 2021, None),
    ],
    ("Cơ sở sản xuất Phan Tâm 1", "ho", "916"): [
        ("Bánh in Phan Tâm 1", 4, 2021, None),
        ("Bánh khéo Phan Tâm 1", 3, 2021, None),
    ],
    ("Hộ kinh doanh Kim Ngân", "ho", "924"): [
        ("Chả lụa Kim Ngân", 4, 2022, None),
        ("Chả chiên Kim Ngân", 4, 2022, None),
        ("Giò thủ Kim Ngân", 4, 2022, None),
    ],
    ("Hợp tác xã nông nghiệp ứng dụng công nghệ cao Giọt Phù Sa", "htx", "926"): [
        ("Đông trùng hạ thảo sấy thăng hoa Agrimush", 4, 2022, None),
    ],
    ("Tổ hợp tác sầu riêng Tân Thới", "tht", "926"): [("Sầu riêng Tân Thới", 4, 2022, None)],
    ("Hộ kinh doanh Nguyễn Thị Hồng Nhung", "ho", "917"): [("Giá sạch Hồng Nhung", 4, 2022, None)],
    ("Hộ kinh doanh Trần Văn Hoan", "ho", "917"): [("Nước mắm cá sặc Tư Hon", 4, 2022, None)],
    ("Công ty TNHH chế biến trái cây Năm Hiếu", "dn", "916"): [
        ("Nước mãng cầu gai", 4, 2022, None),
        ("Nước xoài", 4, 2022, None),
        ("Nước thanh long ruột đỏ", 4, 2022, None),
    ],
    ("Công ty TNHH MTV Sản xuất thương mại Đinh Gia Foods", "dn", "918"): [
        ("Đậu phộng tỏi ớt", 4, 2022, None),
    ],
    ("Hợp tác xã Đại Thành Phát", "htx", "927"): [("Gạo Đại Thành Đại Phát", 4, 2022, None)],
    ("Hợp tác xã nông nghiệp Đồng Tâm", "htx", "927"): [("Nhãn IDo Định Môn", 4, 2022, None)],
    ("Hợp tác xã Thuận Phát", "htx", "927"): [("Thanh nhãn Tín Huy", 3, 2022, None)],
    ("Hợp tác xã Tân Trung Thành", "htx", "927"): [("Sầu riêng Trường Thành", 3, 2022, None)],
    ("Công ty TNHH Đông trùng hạ thảo Cờ Đỏ Huấn Xoa", "dn", "925"): [
        ("Đông trùng hạ thảo sấy thăng hoa Huấn Xoa", 4, 2022, None),
    ],
    ("Hộ sản xuất Sơn Thị Lang", "ho", "925"): [("Đan lát lục bình Cờ Đỏ", 3, 2022, None)],
}

#: Every producer the data presents as real; all others must be flagged illustrative.
REAL_PRODUCERS = {name for name, _, _ in REAL_PRODUCTS} | {
    # Named in the same press reports as the seed's products (see the data's "sources").
    "Công ty TNHH MTV Hygie & Panacee",
    "Hợp tác xã nông nghiệp Hòa Thành Thắng",
    "Hợp tác xã Thịnh Thắng",
    "Doanh nghiệp tư nhân Hồ Quang Trí",
}


def by_stars(certificates) -> dict[int, int]:
    return dict(Counter(certificates.values_list("stars", flat=True)))


def decided_in(year: int):
    return Certificate.objects.filter(decision_date__year=year)


def test_41_certified_products_at_end_2021_all_still_valid_at_end_2022(demo):
    valid = Certificate.objects.valid_on(END_2021)
    assert valid.count() == 41
    assert by_stars(valid) == {4: 25, 3: 16}
    assert {d.year for d in valid.values_list("decision_date", flat=True)} == {2020, 2021}
    assert valid.count() == valid.filter(valid_until__gte=END_2022).count()
    assert valid.values("product").distinct().count() == 41


def test_51_products_recognised_in_2022_among_them_decision_3787(demo):
    recognised = decided_in(2022)
    assert recognised.count() == 51
    assert by_stars(recognised) == {4: 33, 3: 18}
    assert set(recognised.values_list("kind", flat=True)) == {Certificate.Kind.NEW}
    assert recognised.values("product").distinct().count() == 51

    woven = recognised.get(decision_number="3787/QĐ-UBND", product__name="Đan lát lục bình Cờ Đỏ")
    assert woven.stars == 3
    assert woven.product.producer.area.name == "Huyện Cờ Đỏ"


def test_92_certified_products_at_end_2022_of_which_2_potential_five_star(demo):
    valid = Certificate.objects.valid_on(END_2022)
    assert valid.count() == 92
    assert by_stars(valid) == {4: 58, 3: 34}
    assert Product.objects.certified_on(END_2022).count() == 92
    potential = Certificate.objects.potential_five_star(END_2022)
    assert potential.count() == 2
    assert all(c.is_potential_five_star and c.product.is_illustrative for c in potential)


def test_2022_producers_4_enterprises_11_cooperatives_12_households(demo):
    producers, products = {}, Counter()
    for certificate in decided_in(2022).select_related("product__producer"):
        producer = certificate.product.producer
        producers[producer.pk] = producer
        products[producer.kind] += 1
    kinds = Counter(p.kind for p in producers.values())
    assert len(producers) == 27
    assert (kinds["dn"], products["dn"]) == (4, 17)
    # The report's "11 HTX" counts the one tổ hợp tác (cooperative group) with the cooperatives.
    assert (kinds["htx"], kinds["tht"]) == (10, 1)
    assert (kinds["htx"] + kinds["tht"], products["htx"] + products["tht"]) == (11, 11)
    assert (kinds["ho"], products["ho"]) == (12, 23)
    (group,) = [p for p in producers.values() if p.kind == "tht"]
    assert group.name == "Tổ hợp tác sầu riêng Tân Thới"


def test_2022_products_come_from_8_of_9_districts_all_9_over_the_years(demo):
    in_2022 = set(decided_in(2022).values_list("area__code", flat=True))
    assert len(in_2022) == 8
    assert in_2022 < DISTRICTS
    up_to_2022 = Certificate.objects.filter(decision_date__lte=END_2022)
    assert set(up_to_2022.values_list("area__code", flat=True)) == DISTRICTS
    assert set(up_to_2022.values_list("area__valid_until", flat=True)) == {DISTRICTS_UNTIL}


def test_real_products_under_their_real_producers_and_districts(demo):
    for (producer_name, kind, district), products in REAL_PRODUCTS.items():
        producer = Producer.objects.select_related("area").get(name=producer_name)
        assert not producer.is_illustrative and producer.kind == kind, producer_name
        assert producer.area.code == district, producer_name
        assert producer.area.valid_until == DISTRICTS_UNTIL, producer_name
        for name, stars, year, score in products:
            product = producer.products.get(name=name)
            assert not product.is_illustrative, name
            first = product.certificates.order_by("decision_date").first()
            assert (first.stars, first.decision_date.year, first.kind) == (stars, year, "new"), name
            assert first.score == (None if score is None else Decimal(score)), name
            assert first.area == producer.area, name

    fish_cake = Certificate.objects.get(product__name="Chả cá thát lát Phạm Nghĩa")
    assert (fish_cake.decision_number, fish_cake.decision_date) == (
        "3588/QĐ-UBND",
        date(2021, 11, 30),
    )
    assert decided_in(2022).get(product__name__contains="Huấn Xoa").decision_number == (
        "3787/QĐ-UBND"
    )
    assert Product.objects.filter(producer__name__contains="Đinh Gia Foods").count() == 8


def test_every_invented_record_is_flagged_illustrative(demo):
    assert set(Producer.objects.filter(is_illustrative=False).values_list("name", flat=True)) == (
        REAL_PRODUCERS
    )
    assert not Product.objects.filter(is_illustrative=True, producer__is_illustrative=False)
    assert not Product.objects.filter(is_illustrative=False, producer__is_illustrative=True)
    assert Producer.objects.filter(is_illustrative=True).count() > 0
    for producer in Producer.objects.filter(is_illustrative=False):
        # Nothing invented about a real producer: no tax code or contact details of ours.
        assert (producer.tax_code, producer.phone, producer.email, producer.website) == (
            "",
            "",
            "",
            "",
        ), producer.name
    for producer in Producer.objects.filter(is_illustrative=True):
        # Invented contacts reach no one: reserved .example domains, fictitious numbers.
        assert not producer.tax_code or producer.tax_code.startswith("0000"), producer.name
        assert not producer.email or producer.email.endswith(".example"), producer.name
        assert not producer.website or producer.website.endswith(".example"), producer.name
        assert producer.legal_representative, producer.name


def test_the_data_says_what_is_real_and_what_is_illustrative():
    about = " ".join(json.loads(registry.DATA_FILE.read_text(encoding="utf-8"))["about"])
    assert "minh họa" in about
    assert "Tổ hợp tác sầu riêng Tân Thới" in about and "10 hợp tác xã và 1 tổ hợp tác" in about
    assert "Số và ngày quyết định là minh họa" in about


def test_scores_match_the_star_bands(demo):
    for certificate in Certificate.objects.exclude(score=None):
        score, stars = certificate.score, certificate.stars
        assert Decimal(50) <= score < Decimal(90) or certificate.is_potential_five_star
        if stars == 3:
            assert score < 70, certificate
        elif stars == 4:
            assert score >= 70, certificate
    assert Certificate.objects.filter(score__gte=90).count() == 2


#: Food products re-rated in 2026 under 26/2026/QĐ-TTg, classified anew in its Phụ lục I
#: (still food: the sectors of earlier years keep their counts).
RECLASSIFIED = {
    "Bánh phồng gạo lứt Sông Hậu": "I.3.b",
    "Khô cá lóc một nắng Mười Đông Bình": "I.3.d",
    "Gạo Nàng Hoa Thạnh Lợi": "I.2.a",
    "Bánh tét lá cẩm Mỹ Lệ": "I.3.b",
    "Bánh tráng nem Thu Ba": "I.3.b",
    "Xoài sấy dẻo Lạc Phước": "I.3.c",
}


def test_records_of_2020_to_2022_follow_decision_1048(demo):
    old = Certificate.objects.filter(decision_date__lte=END_2022).select_related(
        "product__category"
    )
    assert old.count() == 92
    for certificate in old:
        assert certificate.legal_basis_id == "1048/QĐ-TTg"
        assert certificate.level == Certificate.Level.CITY
        category = certificate.product.category
        if certificate.product.name in RECLASSIFIED:
            code = RECLASSIFIED[certificate.product.name]
            assert (category.scheme, category.code) == ("26/2026/QĐ-TTg", code)
        else:
            assert category.scheme == "1048/QĐ-TTg" and re.fullmatch(r"\d\.\d", category.code)


#: 1489/QĐ-TTg from 06/07/2025; before, 148/QĐ-TTg (and the districts until 30/06/2025).
DAY_OF_1489 = date(2025, 7, 6)


def test_the_2022_certificates_were_re_rated_in_2025_most_before_they_expired(demo):
    first = {c.product_id: c for c in decided_in(2022).select_related("area")}
    renewals = (
        decided_in(2025)
        .filter(kind=Certificate.Kind.RENEWAL)
        .select_related("area", "product__producer__area")
    )
    assert renewals.count() == 43 and {r.product_id for r in renewals} <= first.keys()
    on_time = late = upgraded = 0
    for renewal in renewals:
        old = first[renewal.product_id]
        district = renewal.product.producer.area
        assert renewal.level == Certificate.Level.CITY
        assert old.area == district and district.valid_until == DISTRICTS_UNTIL
        # The law in force on the decision's day, and the area of that day.
        if renewal.decision_date < DAY_OF_1489:
            assert renewal.legal_basis_id == "148/QĐ-TTg" and renewal.area == district
        else:
            assert renewal.legal_basis_id == "1489/QĐ-TTg"
            assert renewal.area.is_current and district in renewal.area.predecessors.all()
        assert renewal.stars in (old.stars, old.stars + 1)
        upgraded += renewal.stars > old.stars
        if renewal.decision_date <= old.valid_until:
            on_time += 1
        else:
            late += 1
    assert (on_time, late, upgraded) == (38, 5, 3)
    lapsed = [c for pk, c in first.items() if not renewals.filter(product_id=pk).exists()]
    assert len(lapsed) == 8
    assert all(not c.product.certificate_on(TODAY) for c in lapsed)


def test_the_living_programme_is_in_the_catalogue_today(demo):
    # 42 products of 2022 re-rated (one revoked since), 9 of 2020–2021 re-rated in 2023–2026,
    # the 5★ rice and the 2026 round's honey.
    assert Product.objects.certified_on(TODAY).count() == 53
    assert Product.objects.certified_on(TODAY).filter(name="Mật ong hoa xoài Cờ Đỏ").exists()
    # Every one of them recognised or re-rated since 2023: nothing of 2022 is valid now.
    for product in Product.objects.certified_on(TODAY):
        assert product.certificate_on(TODAY).decision_date.year >= 2023, product


def test_st25_rice_is_five_star_and_valid_today(demo):
    rice = Certificate.objects.select_related("product__producer", "area").get(
        product__name="Gạo ST25 Hồ Quang Trí"
    )
    producer = rice.product.producer
    assert (producer.name, producer.kind) == ("Doanh nghiệp tư nhân Hồ Quang Trí", "dn")
    assert (rice.stars, rice.level, rice.kind) == (5, "central", "new")
    assert rice.legal_basis_id == "148/QĐ-TTg"
    assert (rice.decision_number, rice.decision_date) == ("2361/QĐ-BNNMT", date(2025, 6, 26))
    assert (rice.area.code, rice.area.name, rice.area.is_current) == ("31687", "Xã Tài Văn", True)
    assert producer.area == rice.area
    category = rice.product.category
    assert (category.scheme, category.code) == ("148/QĐ-TTg", "I.2.a")
    assert rice.product.certificate_on(TODAY) == rice
    status = Product.objects.with_status(TODAY).get(pk=rice.product_id).status
    assert status == Product.Status.CERTIFIED


def test_producers_before_2025_are_in_their_former_district_and_every_record_is_valid(demo):
    tax_codes = [c for c in Producer.objects.values_list("tax_code", flat=True) if c]
    assert tax_codes and len(tax_codes) == len(set(tax_codes))
    for producer in Producer.objects.select_related("area"):
        first = [
            day
            for day in producer.products.values_list("certificates__decision_date", flat=True)
            if day
        ]
        # Producers registered since (the 2026 evaluations' demo) have no certificate yet.
        if first and min(first) < date(2025, 1, 1):
            assert producer.area.code in DISTRICTS, producer.name
            assert producer.area.valid_until == DISTRICTS_UNTIL, producer.name
        # The press did not name every real producer's representative; those stay blank.
        producer.full_clean(
            exclude=[] if producer.legal_representative else ["legal_representative"]
        )
    assert Producer.objects.exclude(workers_total=None).count() > 20
    assert Producer.objects.exclude(address="").count() > 40
    for product in Product.objects.all():
        product.full_clean()
    for certificate in Certificate.objects.all():
        certificate.full_clean()


def snapshot() -> tuple[str, list[int]]:
    rows = [
        *Producer.objects.order_by("pk"),
        *Product.objects.order_by("pk"),
        *Certificate.objects.order_by("pk"),
    ]
    histories = [Producer.history.count(), Product.history.count(), Certificate.history.count()]
    return serializers.serialize("json", rows), histories


def test_load_demo_reports_progress(demo):
    assert "Sổ sản phẩm OCOP" in demo
    assert "    20/93\n" in demo and "    93/93\n" in demo
    assert "51 chủ thể, 93 sản phẩm, 138 giấy chứng nhận (thêm 282, cập nhật 0)." in demo


def test_running_load_demo_twice_changes_nothing(demo):
    first = snapshot()
    people = serializers.serialize(
        "json", [*Area.objects.order_by("pk"), *User.objects.order_by("pk")]
    )
    links = list(Area.predecessors.through.objects.order_by("pk").values_list())
    out = StringIO()
    call_command("load_demo", allow_demo_passwords=True, stdout=out)
    assert snapshot() == first
    assert (
        serializers.serialize("json", [*Area.objects.order_by("pk"), *User.objects.order_by("pk")])
        == people
    )
    assert list(Area.predecessors.through.objects.order_by("pk").values_list()) == links
    assert "(thêm 0, cập nhật 0)" in out.getvalue()


def test_loading_again_restores_what_was_changed_and_only_that(demo):
    producer = Producer.objects.get(name="Hộ kinh doanh Lê Thị Kim Loan")
    producer.address = "địa chỉ đã sửa"
    producer.save()
    certificate = Certificate.objects.get(product__name="Nhãn Idol")
    certificate.score = 95
    certificate.save()
    histories = snapshot()[1]

    result = registry.load_registry()

    assert (result["created"], result["updated"]) == (0, 2)
    producer.refresh_from_db()
    certificate.refresh_from_db()
    assert producer.address == "khu vực Tân Phú, phường Thuận Hưng"
    assert certificate.score == Decimal(63)
    assert snapshot()[1] == [histories[0] + 1, histories[1], histories[2] + 1]
