"""Working days (ngày làm việc) of Vietnamese public offices, for deadlines such as "within 15
working days from the day the dossier is received".

- Saturdays and Sundays are off, except the Saturdays declared as make-up working days;
- the public holidays and the declared compensatory or swapped days off are data
  (``core/data/holidays.json``, by year, each year marked official or the portal's estimate); a
  holiday falling on a weekend adds nothing unless a compensatory day is declared;
- a year not in the data keeps only the fixed solar holidays (1/1, 30/4, 1/5, 2/9) that fall on
  a weekday: the lunar holidays of such a year are not known here.

``add_working_days(received, 15)``: the day received is not counted, the deadline is the 15th
working day after it. ``working_days_between(a, b)`` counts the working days after ``a`` up to
and including ``b`` (negative when ``b`` is before ``a``), so that it undoes ``add_working_days``.
``deadline_status(deadline, today)`` says whether a deadline is on time, due soon (three working
days or fewer left) or overdue, with the count of working days.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext, ngettext

DATA = Path(__file__).resolve().parent / "data" / "holidays.json"
SATURDAY, SUNDAY = 5, 6
#: Holidays on a fixed solar date, used for the years the data does not cover.
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))
#: A deadline this many working days away or closer is "due soon".
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Calendar:
    days_off: frozenset[date]
    working_saturdays: frozenset[date]
    years: frozenset[int]
    estimated_years: frozenset[int]


def load(path: Path = DATA) -> Calendar:
    data = json.loads(path.read_text(encoding="utf-8"))
    days_off, saturdays, years, estimated = set(), set(), set(), set()
    for year, entry in data["years"].items():
        years.add(int(year))
        if entry.get("status") != "official":
            estimated.add(int(year))
        days_off.update(date.fromisoformat(day["date"]) for day in entry["days_off"])
        saturdays.update(date.fromisoformat(day["date"]) for day in entry["working_saturdays"])
    return Calendar(
        frozenset(days_off), frozenset(saturdays), frozenset(years), frozenset(estimated)
    )


@lru_cache(maxsize=1)
def calendar() -> Calendar:
    return load()


def is_working_day(day: date, cal: Calendar | None = None) -> bool:
    """A weekday that is no holiday or day off, or a declared make-up working Saturday."""
    cal = cal or calendar()
    if day in cal.working_saturdays:
        return True
    if day.weekday() in (SATURDAY, SUNDAY):
        return False
    if day.year in cal.years:
        return day not in cal.days_off
    return (day.month, day.day) not in FIXED_HOLIDAYS


def add_working_days(start: date, n: int, cal: Calendar | None = None) -> date:
    """The n-th working day after ``start`` (not counted itself); n < 0 counts backwards, and
    n = 0 is ``start``."""
    cal = cal or calendar()
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day, cal):
            left -= 1
    return day


def working_days_between(a: date, b: date, cal: Calendar | None = None) -> int:
    """The working days after ``a`` up to and including ``b``; minus those after ``b`` up to
    and including ``a`` when ``b`` comes first."""
    if b < a:
        return -working_days_between(b, a, cal)
    cal = cal or calendar()
    return sum(
        1 for offset in range(1, (b - a).days + 1) if is_working_day(a + timedelta(offset), cal)
    )


@dataclass(frozen=True)
class DeadlineStatus:
    """Where today stands against a deadline: ``state`` is "on_time", "due_soon" or "overdue";
    ``days`` the working days left (0: the deadline is today) or, overdue, the working days
    since the deadline (0 when only days off have passed since)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    deadline: date
    state: str
    days: int

    @property
    def is_overdue(self) -> bool:
        return self.state == self.OVERDUE

    @property
    def tone(self) -> str:
        """The Bootstrap colour of its badge."""
        return {self.ON_TIME: "success", self.DUE_SOON: "warning", self.OVERDUE: "danger"}[
            self.state
        ]

    @property
    def label(self) -> str:
        """ "còn 3 ngày làm việc", "hạn cuối hôm nay", "quá hạn 2 ngày làm việc"."""
        if self.state == self.OVERDUE:
            if not self.days:
                return gettext("đã quá hạn")
            return ngettext(
                "quá hạn %(days)s ngày làm việc", "quá hạn %(days)s ngày làm việc", self.days
            ) % {"days": self.days}
        if not self.days:
            return gettext("hạn cuối là hôm nay")
        return ngettext("còn %(days)s ngày làm việc", "còn %(days)s ngày làm việc", self.days) % {
            "days": self.days
        }

    def __str__(self) -> str:
        return self.label


def deadline_status(deadline: date, today: date, cal: Calendar | None = None) -> DeadlineStatus:
    if today > deadline:
        return DeadlineStatus(
            deadline, DeadlineStatus.OVERDUE, working_days_between(deadline, today, cal)
        )
    left = working_days_between(today, deadline, cal)
    state = DeadlineStatus.DUE_SOON if left <= DUE_SOON_DAYS else DeadlineStatus.ON_TIME
    return DeadlineStatus(deadline, state, left)
