"""Administrative units: both eras side by side, names with their full path, loaders."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from areas import services
from areas.models import REFORM_DATE, Area

pytestmark = pytest.mark.django_db


def test_can_tho_has_nine_former_districts_valid_until_the_reform(can_tho):
    districts = Area.objects.former().filter(parent=can_tho)
    assert districts.count() == 9
    assert districts.filter(kind=Area.Kind.URBAN_DISTRICT).count() == 5
    assert districts.filter(kind=Area.Kind.RURAL_DISTRICT).count() == 4
    assert set(districts.values_list("valid_until", flat=True)) == {date(2025, 6, 30)}


def test_new_can_tho_has_103_communes_from_the_reform(can_tho):
    communes = Area.objects.current().filter(parent=can_tho)
    assert communes.count() == 103
    assert communes.filter(kind=Area.Kind.WARD).count() == 31
    assert communes.filter(kind=Area.Kind.COMMUNE).count() == 72
    assert set(communes.values_list("valid_from", flat=True)) == {REFORM_DATE}


def test_each_era_on_its_own_date(can_tho):
    before = Area.objects.valid_on(date(2024, 12, 31)).filter(parent=can_tho)
    after = Area.objects.valid_on(date(2025, 7, 1)).filter(parent=can_tho)
    assert before.count() == 9
    assert after.count() == 103


def test_former_district_keeps_its_successor_communes(co_do):
    names = set(co_do.successors.values_list("name", flat=True))
    assert names == {"Xã Thạnh Phú", "Xã Trung Hưng", "Xã Cờ Đỏ", "Xã Thới Hưng", "Xã Đông Hiệp"}


def test_every_former_district_has_successors(can_tho):
    for district in Area.objects.former().filter(parent=can_tho):
        assert district.successors.exists(), district.name
    linked = Area.objects.current().filter(predecessors__isnull=False).distinct()
    assert linked.count() == 32


def test_full_name_is_the_path_upwards(co_do):
    commune = Area.objects.create(
        code="31264",
        name="Xã  Thới Hưng",
        kind=Area.Kind.COMMUNE,
        parent=co_do,
        valid_until=date(2025, 6, 30),
    )
    assert commune.name == "Xã Thới Hưng"
    assert str(commune).startswith("Xã Thới Hưng, Huyện Cờ Đỏ")
    assert commune.level == Area.Level.COMMUNE


def test_renaming_a_unit_renames_the_path_of_those_under_it(co_do):
    commune = Area.objects.create(code="31999", name="Xã Thử", kind=Area.Kind.COMMUNE, parent=co_do)
    co_do.name = "Huyện Cờ Đỏ Mới"
    co_do.save()
    commune.refresh_from_db()
    assert commune.full_name == "Xã Thử, Huyện Cờ Đỏ Mới, Thành phố Cần Thơ"
    assert commune.search_name == "xa thu, huyen co do moi, thanh pho can tho"


def test_search_ignores_case_and_diacritics(can_tho):
    assert set(Area.objects.search("co do").values_list("name", flat=True)) >= {
        "Huyện Cờ Đỏ",
        "Xã Cờ Đỏ",
    }
    assert Area.objects.search("THỚI hưng").filter(name="Xã Thới Hưng").exists()


def test_only_one_current_unit_per_code(can_tho):
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="31135", name="Phường Trùng", kind=Area.Kind.WARD, parent=can_tho)


def test_validity_must_not_end_before_it_starts(can_tho):
    area = Area(
        code="99999",
        name="Xã Sai",
        kind=Area.Kind.COMMUNE,
        parent=can_tho,
        valid_from=date(2025, 7, 1),
        valid_until=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "valid_until" in error.value.message_dict


def test_parent_must_be_of_a_higher_level(co_do):
    area = Area(code="99998", name="Tỉnh Sai", kind=Area.Kind.PROVINCE, parent=co_do)
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "parent" in error.value.message_dict


def test_load_areas_loads_34_provinces_and_is_idempotent(capsys):
    call_command("load_areas")
    out = capsys.readouterr().out
    assert "3321/3321" in out
    assert Area.objects.current().of_level(Area.Level.PROVINCE).count() == 34
    assert Area.objects.current().of_level(Area.Level.COMMUNE).count() == 3321
    # Official codes keep their width: Hà Nội's first ward is 00004, not 4.
    assert Area.objects.filter(code="00004").exists()
    before = Area.objects.count()
    result = services.load_current_units()
    assert result["created"] == 0 and result["updated"] == 0
    assert Area.objects.count() == before


def test_load_areas_for_one_province(capsys):
    call_command("load_areas", province=["92"])
    assert "103/103" in capsys.readouterr().out


def test_load_areas_rejects_an_unknown_province():
    with pytest.raises(Exception, match="Mã tỉnh không có trong danh mục: 99"):
        call_command("load_areas", province=["99"])
