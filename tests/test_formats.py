"""Numbers, money, percentages and dates the Vietnamese way (and the English way)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.numbers import (
    format_number,
    format_percent,
    format_vnd,
    format_vnd_short,
    share_percent,
)
from core.text import clean, fold


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_money_in_tables():
    assert format_vnd(1_900_000_000) == "1.900.000.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_vnd(None) == "–"


def test_money_in_summaries():
    assert format_vnd_short(3_600_000_000) == "3,6 tỷ đồng"
    assert format_vnd_short(3_800_000_000) == "3,8 tỷ đồng"
    assert format_vnd_short(2_000_000_000) == "2 tỷ đồng"
    assert format_vnd_short(250_000_000) == "250 triệu đồng"
    assert format_vnd_short(12_345_678_900_000) == "12.345,7 tỷ đồng"
    assert format_vnd_short(500_000) == "500.000 đồng"


def test_shares_round_half_up():
    assert share_percent(1_900_000_000, 3_600_000_000) == "52,8%"
    assert share_percent(1_700_000_000, 3_600_000_000) == "47,2%"
    assert share_percent(51, 20, 0) == "255%"
    assert share_percent(1, 0) == "–"
    assert format_percent(Decimal("52.75")) == "52,8%"
    assert format_percent(100) == "100%"


def test_grouping():
    assert format_number(8689) == "8.689"
    assert format_number(12.5, 2) == "12,50"


def test_english_numbers():
    with translation.override("en"):
        assert format_vnd(1_900_000_000) == "1,900,000,000 ₫"
        assert share_percent(1_900_000_000, 3_600_000_000) == "52.8%"
        assert format_vnd_short(3_600_000_000) == "3.6 billion VND"


def test_template_filters():
    template = Template(
        "{% load vn %}{{ a|vnd }} · {{ a|vnd_short }} · {{ p|percent }} · {{ a|share_of:b }}"
    )
    rendered = template.render(Context({"a": 1_900_000_000, "b": 3_600_000_000, "p": 52.777}))
    assert rendered == "1.900.000.000 ₫ · 1,9 tỷ đồng · 52,8% · 52,8%"


def test_dates():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} · {{ d|date:"DATE_FORMAT" }}')
    rendered = template.render(Context({"d": date(2025, 6, 26)}))
    assert rendered == "26/06/2025 · Ngày 26 tháng 6 năm 2025"


def test_folding_ignores_case_diacritics_and_unicode_form():
    assert fold("Trà mãng cầu") == "tra mang cau"
    assert fold("ĐÔNG TRÙNG HẠ THẢO") == "dong trung ha thao"
    decomposed = "Tra\u0300 ma\u0303ng câ\u0300u"
    assert fold(decomposed) == "tra mang cau"
    assert clean(decomposed) == "Trà mãng cầu"
    assert clean("Xã  Phú   Hữu ") == "Xã Phú Hữu"
