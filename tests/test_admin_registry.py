"""The registers in the admin: a staff officer sees, finds and reaches only their own areas;
the classification is read-only below administrators; history and revert for administrators;
changelists run a fixed number of queries however many rows they show."""

import pytest
from django.contrib.auth.models import Permission

from products.models import Certificate, Product
from subjects.models import Producer
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, UserFactory, category_148

pytestmark = pytest.mark.django_db

#: Admin URL → how to reach that register's record from a certificate.
REGISTERS = {
    "/admin/subjects/producer/": lambda certificate: certificate.product.producer,
    "/admin/products/product/": lambda certificate: certificate.product,
    "/admin/products/certificate/": lambda certificate: certificate,
}


def staff_officer(district: str, username: str, *actions: str):
    officer = officer_of(district, username=username, is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                f"{action}_{model}"
                for action in actions
                for model in ("producer", "product", "certificate", "productcategory")
            ]
        )
    )
    return officer


@pytest.fixture
def staff_officer_co_do(co_do):
    return staff_officer("925", "codo-staff", "view", "change")


@pytest.fixture
def certificates(co_do, ninh_kieu):
    """One certificate, with its product and producer, in Cờ Đỏ and one in Ninh Kiều."""
    own = CertificateFactory(
        product__name="Mắm cá lóc",
        product__producer__name="Hợp tác xã Cờ Đỏ Xanh",
        decision_number="101/QĐ-UBND",
    )
    other = CertificateFactory(
        product__name="Bánh tráng",
        product__producer__name="Hợp tác xã Ninh Kiều Mới",
        product__producer__area=ninh_kieu,
        decision_number="202/QĐ-UBND",
    )
    return own, other


@pytest.mark.parametrize("url", REGISTERS)
def test_a_staff_officer_lists_only_their_areas(login, staff_officer_co_do, certificates, url):
    own, _other = (REGISTERS[url](certificate) for certificate in certificates)

    response = login(staff_officer_co_do).get(url)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]


@pytest.mark.parametrize("url", REGISTERS)
def test_search_ignores_diacritics_and_other_districts(
    login, staff_officer_co_do, administrator, certificates, url
):
    own, other = (REGISTERS[url](certificate) for certificate in certificates)

    def found(user, term):
        return list(login(user).get(url, {"q": term}).context["cl"].result_list)

    assert found(staff_officer_co_do, "co do xanh") == [own]
    assert found(staff_officer_co_do, "ninh kieu") == []
    assert found(administrator, "NINH KIỀU") == [other]


@pytest.mark.parametrize("url", REGISTERS)
def test_another_districts_pages_are_not_reachable(login, staff_officer_co_do, certificates, url):
    own, other = (REGISTERS[url](certificate) for certificate in certificates)
    client = login(staff_officer_co_do)

    assert client.get(f"{url}{own.pk}/change/").status_code == 200
    assert client.get(f"{url}{own.pk}/history/").status_code == 200
    assert client.get(f"{url}{other.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"{url}{other.pk}/history/").status_code == 404


def test_another_districts_revert_page_is_not_reachable(login, staff_officer_co_do, certificates):
    other = certificates[1].product.producer
    record = other.history.get()

    response = login(staff_officer_co_do).get(
        f"/admin/subjects/producer/{other.pk}/history/{record.history_id}/"
    )

    assert response.status_code in (302, 404)


def test_a_view_only_officer_reads_but_cannot_change(login, co_do, certificates):
    officer = staff_officer("925", "codo-viewer", "view")
    producer = certificates[0].product.producer
    client = login(officer)

    page = client.get(f"/admin/subjects/producer/{producer.pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    refused = client.post(f"/admin/subjects/producer/{producer.pk}/change/", {"name": "Đổi tên"})
    assert refused.status_code == 403
    assert client.get("/admin/subjects/producer/import/").status_code == 403


def test_staff_without_permissions_are_refused(login, co_do):
    officer = officer_of("925", username="codo-none", is_staff=True)

    assert login(officer).get("/admin/subjects/producer/").status_code == 403


def test_the_city_reviewer_sees_the_whole_city(login, can_tho, certificates):
    reviewer = UserFactory(username="city-staff", role="city", is_staff=True, areas=[can_tho])
    reviewer.user_permissions.add(Permission.objects.get(codename="view_producer"))

    response = login(reviewer).get("/admin/subjects/producer/")

    assert response.context["cl"].result_count == 2


def test_foreign_key_choices_start_from_visible_to(rf, staff_officer_co_do, certificates):
    from django.contrib import admin

    request = rf.get("/")
    request.user = staff_officer_co_do
    product_admin = admin.site._registry[Product]

    field = product_admin.formfield_for_foreignkey(Product._meta.get_field("producer"), request)

    assert list(field.queryset) == [certificates[0].product.producer]


def test_autocomplete_offers_only_own_producers(login, staff_officer_co_do, certificates):
    response = login(staff_officer_co_do).get(
        "/admin/autocomplete/",
        {"app_label": "products", "model_name": "product", "field_name": "producer", "term": "hop"},
    )

    assert [item["text"] for item in response.json()["results"]] == ["Hợp tác xã Cờ Đỏ Xanh"]


def test_certificates_are_found_by_decision_number_as_typed(login, administrator, certificates):
    response = login(administrator).get("/admin/products/certificate/", {"q": "202/QĐ"})

    assert list(response.context["cl"].result_list) == [certificates[1]]


def test_certificate_filters(login, administrator, certificates):
    own, other = certificates
    other.revoked_on, other.revoked_reason = other.decision_date, "Vi phạm"
    other.save()
    client = login(administrator)

    def listed(**params):
        return set(client.get("/admin/products/certificate/", params).context["cl"].result_list)

    assert listed(revoked="yes") == {other}
    assert listed(revoked="no") == {own}
    assert listed(decision_date__year="2024") == {own, other}
    assert listed(validity="valid") | listed(validity="expired") == {own}


# Query counts --------------------------------------------------------------------------------

#: The most queries a changelist page runs: the request's savepoint, session, user, permissions,
#: the user's areas, two counts, the rows, and the choices of the filters (products; the legal
#: bases of certificates) and the date hierarchy (certificates). Never one a row.
MAX_QUERIES = {
    "/admin/subjects/producer/": 10,
    "/admin/products/product/": 11,
    "/admin/products/certificate/": 13,
}


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("url", REGISTERS)
def test_changelist_queries_do_not_grow_with_rows(
    login, staff_officer_co_do, django_assert_max_num_queries, rows, url
):
    CertificateFactory.create_batch(rows)
    client = login(staff_officer_co_do)

    with django_assert_max_num_queries(MAX_QUERIES[url]):
        response = client.get(url)

    assert response.context["cl"].result_count == rows


# The classification --------------------------------------------------------------------------


def test_staff_read_the_classification_but_only_administrators_change_it(
    login, staff_officer_co_do, administrator
):
    category = category_148()
    url = f"/admin/products/productcategory/{category.pk}/change/"
    data = {"scheme": category.scheme, "code": category.code, "name": "Tên mới", "level": 3}
    officer = login(staff_officer_co_do)

    assert officer.get("/admin/products/productcategory/").status_code == 200
    assert not officer.get(url).context["has_change_permission"]
    assert officer.post(url, data).status_code == 403
    assert login(administrator).post(url, {**data, "parent": category.parent_id}).status_code == 302
    category.refresh_from_db()
    assert category.name == "Tên mới"


def test_the_classification_is_searched_without_diacritics(login, administrator):
    response = login(administrator).get("/admin/products/productcategory/", {"q": "mat ong"})

    found = [(category.scheme, category.code) for category in response.context["cl"].result_list]
    # 148/QĐ-TTg and 26/2026/QĐ-TTg share their codes: both classifications are found.
    for scheme in ("148/QĐ-TTg", "26/2026/QĐ-TTg"):
        assert {(scheme, "I.2.b"), (scheme, "I.3.d")} <= set(found)
    assert len(found) == len(set(found))


# History -------------------------------------------------------------------------------------


def form_data(form) -> dict:
    """What a browser posts for an unchanged admin form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = "on" if value is True else value
    return data


def test_an_administrator_sees_the_history_and_reverts(login, administrator, co_do):
    producer = ProducerFactory(name="Hợp tác xã Tên Cũ", address="Ấp 1")
    producer.name, producer.address = "Hợp tác xã Tên Sai", "Ấp 9"
    producer.save()
    first = producer.history.earliest()
    client = login(administrator)

    history = client.get(f"/admin/subjects/producer/{producer.pk}/history/")
    assert history.status_code == 200
    assert "Hợp tác xã Tên Sai" in history.content.decode()
    assert "Ấp 9" in history.content.decode()  # the changed fields, old and new value

    url = f"/admin/subjects/producer/{producer.pk}/history/{first.history_id}/"
    revert = client.get(url)
    assert revert.status_code == 200
    assert client.post(url, form_data(revert.context["adminform"].form)).status_code == 302

    producer.refresh_from_db()
    assert (producer.name, producer.address) == ("Hợp tác xã Tên Cũ", "Ấp 1")
    assert producer.history.count() == 3


@pytest.mark.parametrize("model", [Producer, Product, Certificate])
def test_every_register_keeps_history_in_the_admin(model):
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
