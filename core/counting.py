"""Which year a record counts in: the portal's one rule for every figure by year (dashboards,
the plan's results, lists filtered by year, exports).

- A **star certificate** counts in the year of its decision (``decision_date``), whatever the
  round that led to it or the day it was entered in the portal.
- An **evaluation** counts in the year of its round (``Round.year``), whatever the day it was
  opened or decided: a dossier opened in 2026 in a round of 2023 is one of 2023's; one opened
  in 2026 in a round of 2026 is not.

What happens after recognition (the dashboard's "Sau công nhận"):

- A certificate's **re-rating** counts in the year of its expiry (``valid_until``): the
  certificates due in a year, and where each stands with its re-rating on the year's counting
  day (``dashboards.after_recognition``).
- A **revocation** counts in the year of its decision (``decision_date``); while it has none
  (waiting, dropped), in the year of the conclusion it rests on (``concluded_on``, as
  ``RevocationQuerySet.in_year`` filters the list). ``REVOCATION`` is the decided ones' lookup.
- An **inspection** is planned in its own year (``Inspection.year``: its plan's, or the planned
  day's for an ad-hoc inspection or a re-inspection) and done in the year of its record
  (``done_on``), whatever the year it was planned for.
- A **report from the public** counts in the year it was received (``created_at``, local time).
- A **buyer's enquiry** (``enquiries``) counts in the year it was received (``received_at``,
  local time).

The kernel knows the rule as lookups only (it imports no domain app): ``year_lookup`` for a
``values()`` or an ordering, ``in_year``/``in_years``/``up_to_year`` as filters, ``year_of`` for
rows already read; ``prefix`` reaches the record through a relation ("certificate__").

Figures a yearly plan may set a target for but whose records lie in an app the plans cannot
import (on their level or above: the buyers' enquiries) are registered here by that app
(``register_year_records``, from its ``AppConfig.ready``): for a measure's code, what gives the
area paths of the records of a province (an ``areas.Area``) counted in a year.
``budgets.reports`` counts them by area as it counts its own.
"""

from collections.abc import Callable, Iterable, Mapping

from django.db.models import Q

CERTIFICATE = "certificate"
EVALUATION = "evaluation"
CERTIFICATE_EXPIRY = "certificate_expiry"
REVOCATION = "revocation"
INSPECTION_PLANNED = "inspection_planned"
INSPECTION_DONE = "inspection_done"
REPORT = "report"
ENQUIRY = "enquiry"

_YEAR_OF = {
    CERTIFICATE: "decision_date__year",
    EVALUATION: "round__year",
    CERTIFICATE_EXPIRY: "valid_until__year",
    REVOCATION: "decision_date__year",
    INSPECTION_PLANNED: "year",
    INSPECTION_DONE: "done_on__year",
    REPORT: "created_at__year",
    ENQUIRY: "received_at__year",
}


def year_lookup(kind: str, prefix: str = "") -> str:
    """The lookup giving the year a record of ``kind`` counts in."""
    return prefix + _YEAR_OF[kind]


def year_of(kind: str, values: Mapping, prefix: str = "") -> int | None:
    """The year a record counts in, read from its ``values()``: the rule's Python form, for
    figures counted from rows read once. The values hold the year lookup itself
    (``round__year``) or the day it is the year of (``decision_date``)."""
    lookup = year_lookup(kind, prefix)
    if lookup in values:
        return values[lookup]
    day = values[lookup.removesuffix("__year")]
    return day.year if day is not None else None


def in_year(kind: str, year: int, prefix: str = "") -> Q:
    return Q(**{year_lookup(kind, prefix): year})


def in_years(kind: str, years: Iterable[int], prefix: str = "") -> Q:
    return Q(**{f"{year_lookup(kind, prefix)}__in": list(years)})


def up_to_year(kind: str, year: int, prefix: str = "") -> Q:
    """Records counting in ``year`` or a year before."""
    return Q(**{f"{year_lookup(kind, prefix)}__lte": year})


# --- Figures counted by the apps above the plans ------------------------------------------------

#: The measure of the buyers' enquiries received in a year (``budgets.models.Measure`` names it;
#: ``enquiries`` registers what counts it).
ENQUIRIES_RECEIVED = "enquiries_received"

#: measure code → (province, year) → the area paths of the records counted, one a record.
YearRecordPaths = Callable[[object, int], list[str]]
_YEAR_RECORDS: dict[str, YearRecordPaths] = {}


def register_year_records(measure: str, paths_of: YearRecordPaths) -> None:
    """The app whose records a measure counts says how (one query a province and year)."""
    _YEAR_RECORDS[measure] = paths_of


def year_records(measure: str) -> YearRecordPaths | None:
    """What counts a measure registered by another app; None when no app counts it."""
    return _YEAR_RECORDS.get(measure)
