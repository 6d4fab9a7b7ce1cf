"""Whose numbers a dashboard shows: the whole province, one chosen area, or an officer's areas.

Every read of the dashboards starts from ``visible_to(request.user)`` and is then narrowed to
the scope's paths; an area outside what the user may read is a 404, never an empty page."""

from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_

from django.db.models import Q
from django.http import Http404

from areas.models import Area
from areas.provinces import home_first
from core import policy
from core.caching import cached_until_changed

PROVINCE_KINDS = [Area.Kind.PROVINCE, Area.Kind.CENTRAL_CITY]


@dataclass(frozen=True)
class Scope:
    """The province, the area chosen (None: the user's whole scope) and the area paths counted.

    ``paths`` are prefixes: a record counts when its area's path starts with one of them."""

    province: Area
    area: Area | None
    paths: tuple[str, ...]
    is_city: bool
    label: str
    #: The reader's own scope is the whole province (what "no area chosen" means to them).
    reaches_province: bool = False

    def q(self, lookup: str) -> Q:
        """Records whose ``lookup`` (an area path) lies inside the scope."""
        return reduce(or_, (policy.under(lookup, path) for path in self.paths))

    @cached_property
    def area_ids(self) -> list[int]:
        """The keys of the areas inside the scope (one query, then kept)."""
        return list(Area.objects.filter(self.q("path")).values_list("pk", flat=True))

    def q_area(self, lookup: str) -> Q:
        """Records whose ``lookup`` (a relation to an area) is an area inside the scope: by
        the areas' keys, which the relation's index finds, where a path prefix through a join
        reads every record of the country."""
        return Q(**{f"{lookup}__in": self.area_ids})

    def cache_parts(self, user) -> tuple:
        """What a result cached for the scope is keyed on besides its own parameters: what the
        user may read (users who see the same records share it), the province, the area."""
        return (policy.visibility_key(user), self.province.pk, self.area.pk if self.area else None)

    @property
    def area_query(self) -> str:
        """The ``area=<pk>`` parameter of the lists the figures link to ("" for the province)."""
        return f"area={self.area.pk}" if self.area else ""


def _province(user, chosen: str = "") -> Area:
    provinces = Area.objects.filter(kind__in=PROVINCE_KINDS, valid_until__isnull=True).filter(
        policy.in_provinces(user, "path")
    )
    province = provinces.order_by(home_first("code", chosen), "path").first()
    if province is None:
        raise Http404
    return province


def _minimal(paths) -> tuple[str, ...]:
    """Leave out paths inside another one of the list."""
    paths = sorted(set(paths))
    return tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def resolve_scope(user, area_param: str | None, chosen: str = "") -> Scope:
    """The scope of a dashboard request; 404 for an area the user may not read. ``chosen``:
    the code of the province a user with several chose (areas.provinces.chosen_code)."""
    province = _province(user, chosen)
    sees_province = policy.covers(user, province.path)
    if area_param:
        if not area_param.isdigit():
            raise Http404
        area = (
            Area.objects.visible_to(user)
            .below_province()
            .filter(pk=area_param)
            .prefetch_related("successors")
            .first()
        )
        if area is None:
            raise Http404
        if not province.contains(area):
            if province.code != chosen:
                raise Http404
            # The province was just chosen in the form: an area of the one before is dropped.
            return resolve_scope(user, None, chosen)
        # A former district lives on in the communes that took it over after 07/2025.
        paths = [area.path, *(successor.path for successor in area.successors.all())]
        return Scope(province, area, _minimal(paths), False, area.full_name, sees_province)
    if sees_province:
        return Scope(province, None, (province.path,), True, province.name, True)
    own = [area for area in user.assigned_areas if province.contains(area)]
    if not own:
        raise Http404
    names = ", ".join(area.name for area in own if area.level == Area.Level.DISTRICT)
    return Scope(province, None, _minimal(a.path for a in own), False, names or province.name)


def area_choices(user, province: Area) -> dict[str, list[tuple[int, str]]]:
    """The areas a user may pick, grouped: former districts, today's communes, former communes;
    kept until an area of the province changes (users who see the same areas share them)."""
    choices, _as_of = cached_until_changed(
        "dashboard.area_choices",
        lambda _today: _area_choices(user, province),
        policy.visibility_key(user),
        province.pk,
        province=province.code,
        kinds=("areas",),
        as_of=False,
    )
    return choices


def _area_choices(user, province: Area) -> dict[str, list[tuple[int, str]]]:
    groups = {"districts": [], "communes": [], "former_communes": []}
    areas = (
        Area.objects.visible_to(user)
        .below_province()
        .filter(province.q_within())
        .only("pk", "name", "kind", "valid_until", "path")
        .order_by("name")
    )
    for area in areas:
        if area.level == Area.Level.DISTRICT:
            groups["districts"].append((area.pk, area.name))
        elif area.valid_until is None:
            groups["communes"].append((area.pk, area.name))
        else:
            groups["former_communes"].append((area.pk, area.name))
    return groups
