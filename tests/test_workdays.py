"""Working days of public offices: weekends, public holidays, compensatory days off and make-up
working Saturdays, deadlines counted from the day after the dossier is received."""

import json
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from core import workdays
from core.workdays import (
    Calendar,
    DeadlineStatus,
    add_working_days,
    deadline_status,
    is_working_day,
    working_days_between,
)

NO_HOLIDAYS = Calendar(frozenset(), frozenset(), frozenset({2024, 2025, 2026, 2027}), frozenset())


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_weekends_are_off_and_weekdays_work():
    assert is_working_day(date(2026, 11, 27))  # Friday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert is_working_day(date(2026, 11, 30))  # Monday


def test_holidays_compensatory_days_and_make_up_saturdays():
    assert not is_working_day(date(2025, 4, 30))
    assert not is_working_day(date(2025, 5, 1))
    assert not is_working_day(date(2025, 5, 2))  # swapped with Saturday 26/4
    assert is_working_day(date(2025, 4, 26))  # the make-up Saturday
    assert not is_working_day(date(2026, 4, 27))  # Giỗ Tổ on a Sunday: Monday off
    assert not is_working_day(date(2025, 9, 1))  # the day next to Quốc khánh
    assert not is_working_day(date(2024, 9, 3))
    assert is_working_day(date(2024, 9, 4))


def test_filed_before_30_4_skips_the_holidays_and_the_weekends():
    """Thursday 24/04/2025 + 15 working days: Friday 25/4, the make-up Saturday 26/4, 28/4,
    29/4, then 30/4 - 4/5 off, then 5/5 …: Monday 19/5/2025."""
    received = date(2025, 4, 24)
    assert add_working_days(received, 1) == date(2025, 4, 25)
    assert add_working_days(received, 2) == date(2025, 4, 26)
    assert add_working_days(received, 4) == date(2025, 4, 29)
    assert add_working_days(received, 5) == date(2025, 5, 5)
    assert add_working_days(received, 15) == date(2025, 5, 19)
    assert working_days_between(received, date(2025, 5, 19)) == 15


def test_the_deadline_moves_if_the_holidays_are_ignored():
    received = date(2025, 4, 24)
    assert add_working_days(received, 15, NO_HOLIDAYS) == date(2025, 5, 15)
    assert add_working_days(received, 15) != add_working_days(received, 15, NO_HOLIDAYS)


def test_filed_before_tet_2026():
    """Thursday 12/02/2026: Friday 13/2 is the first working day, Tết Bính Ngọ takes 14 - 22/2,
    the count goes on from Monday 23/2."""
    received = date(2026, 2, 12)
    assert add_working_days(received, 1) == date(2026, 2, 13)
    assert add_working_days(received, 2) == date(2026, 2, 23)
    assert add_working_days(received, 15) == date(2026, 3, 12)
    assert add_working_days(received, 15, NO_HOLIDAYS) == date(2026, 3, 5)


def test_the_day_received_is_not_counted():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(date(2026, 11, 30), -1) == friday


def test_working_days_between_counts_after_the_first_day_up_to_the_last():
    monday, friday = date(2026, 11, 23), date(2026, 11, 27)
    assert working_days_between(monday, friday) == 4
    assert working_days_between(friday, monday) == -4
    assert working_days_between(friday, date(2026, 11, 29)) == 0
    assert working_days_between(friday, friday) == 0


def test_a_year_without_data_keeps_the_fixed_holidays():
    assert not is_working_day(date(2031, 4, 30))  # Wednesday
    assert not is_working_day(date(2031, 9, 2))  # Tuesday
    assert is_working_day(date(2031, 4, 29))


def test_the_data_names_a_source_and_marks_estimates():
    data = json.loads(workdays.DATA.read_text(encoding="utf-8"))
    assert data["source"]
    assert set(data["years"]) >= {"2024", "2025", "2026", "2027"}
    for year, entry in data["years"].items():
        assert entry["status"] in ("official", "estimate") and entry["source"], year
        for day in entry["days_off"] + entry["working_saturdays"]:
            assert date.fromisoformat(day["date"]).year == int(year)
        for day in entry["working_saturdays"]:
            assert date.fromisoformat(day["date"]).weekday() == 5
    assert data["years"]["2027"]["status"] == "estimate"
    assert 2027 in workdays.calendar().estimated_years


@pytest.mark.parametrize(
    ("deadline", "today", "state", "days", "label"),
    [
        (date(2026, 12, 30), date(2026, 11, 29), "on_time", 23, "còn 23 ngày làm việc"),
        (date(2026, 12, 2), date(2026, 11, 29), "due_soon", 3, "còn 3 ngày làm việc"),
        (date(2026, 12, 3), date(2026, 11, 29), "on_time", 4, "còn 4 ngày làm việc"),
        (date(2026, 11, 30), date(2026, 11, 30), "due_soon", 0, "hạn cuối là hôm nay"),
        (date(2026, 11, 26), date(2026, 11, 30), "overdue", 2, "quá hạn 2 ngày làm việc"),
        (date(2026, 11, 27), date(2026, 11, 29), "overdue", 0, "đã quá hạn"),
    ],
)
def test_deadline_status(deadline, today, state, days, label):
    status = deadline_status(deadline, today)
    assert (status.state, status.days, status.label) == (state, days, label)
    assert status.is_overdue == (state == DeadlineStatus.OVERDUE)


def test_due_soon_counts_working_days_not_calendar_days():
    # Thursday 29/4/2026 → Monday 4/5/2026: five calendar days, one working day (30/4, 1/5 off).
    status = deadline_status(date(2026, 5, 4), date(2026, 4, 29))
    assert (status.state, status.days) == ("due_soon", 1)
    assert deadline_status(date(2026, 5, 4), date(2026, 4, 29), NO_HOLIDAYS).days == 3


def test_template_filter_and_tag():
    template = Template(
        "{% load workdays %}{{ deadline|workdays_left:today }}"
        "{% deadline_status deadline today as s %}|{{ s.tone }}"
    )
    context = Context({"deadline": date(2026, 11, 26), "today": date(2026, 11, 30)})
    assert template.render(context) == "quá hạn 2 ngày làm việc|danger"
    context = Context({"deadline": date(2026, 12, 30), "today": date(2026, 11, 29)})
    assert template.render(context) == "còn 23 ngày làm việc|success"
    assert Template("{% load workdays %}{{ none|workdays_left }}").render(Context()) == ""
