"""Which year a record counts in: the portal's one rule for every figure by year (dashboards,
the plan's results, lists filtered by year, exports).

- A **star certificate** counts in the year of its decision (``decision_date``), whatever the
  round that led to it or the day it was entered in the portal.
- An **evaluation** counts in the year of its round (``Round.year``), whatever the day it was
  opened or decided: a dossier opened in 2026 in a round of 2023 is one of 2023's; one opened
  in 2026 in a round of 2026 is not.

The kernel knows the rule as lookups only (it imports no domain app): ``year_lookup`` for a
``values()`` or an ordering, ``in_year``/``in_years``/``up_to_year`` as filters; ``prefix``
reaches the record through a relation ("certificate__").
"""

from collections.abc import Iterable

from django.db.models import Q

CERTIFICATE = "certificate"
EVALUATION = "evaluation"

_YEAR_OF = {
    CERTIFICATE: "decision_date__year",
    EVALUATION: "round__year",
}


def year_lookup(kind: str, prefix: str = "") -> str:
    """The lookup giving the year a record of ``kind`` counts in."""
    return prefix + _YEAR_OF[kind]


def in_year(kind: str, year: int, prefix: str = "") -> Q:
    return Q(**{year_lookup(kind, prefix): year})


def in_years(kind: str, years: Iterable[int], prefix: str = "") -> Q:
    return Q(**{f"{year_lookup(kind, prefix)}__in": list(years)})


def up_to_year(kind: str, year: int, prefix: str = "") -> Q:
    """Records counting in ``year`` or a year before."""
    return Q(**{f"{year_lookup(kind, prefix)}__lte": year})
