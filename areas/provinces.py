"""The province-level unit that a portal, a page, a record or an e-mail speaks of, and its words.

A province is data: Cần Thơ is a "thành phố" (a centrally-run city), An Giang a "tỉnh". Pages,
e-mails and exports say "cấp thành phố" or "cấp tỉnh", "toàn thành phố" or "toàn tỉnh", and name
the department of *that* province, from the unit's kind — never a word written into a template.

- ``words_of(area)``: the words of the province an area lies in (a record's own province);
- ``home()``: the installation's province — ``OCOP_PROVINCE_CODE`` if set, otherwise the province
  that has the data (its producers and officers), so that loading all 34 provinces changes
  nothing; ``OCOP_PROVINCE_NAME`` and ``OCOP_DEPARTMENT_NAME`` override its names.

Today's provinces are named from the official list (vietnam-provinces), so finding the words of a
record's province needs no query.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils.translation import gettext
from vietnam_provinces import Province, VietNamDivisionType

from areas.models import Area
from core import policy
from core.caching import per_request
from core.text import fold

PROVINCE_KINDS = (Area.Kind.PROVINCE, Area.Kind.CENTRAL_CITY)
#: Records that show which province an installation works for (reverse relations of Area).
DATA_RELATIONS = ("producers", "officers")
HOME_CACHE_KEY = "areas:home-province"
HOME_CACHE_SECONDS = 5 * 60


def official_name(name: str, kind: str) -> str:
    """The name with its kind, as documents write it: "Tỉnh An Giang", "Thành phố Cần Thơ"."""
    # Names are data, in Vietnamese whatever the language of the page.
    prefix = "Tỉnh" if kind == Area.Kind.PROVINCE else "Thành phố"
    if kind in PROVINCE_KINDS and not fold(name).startswith(fold(prefix) + " "):
        return f"{prefix} {name}"
    return name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class ProvinceWords:
    """How pages speak of one province-level unit. The words are translated when read."""

    code: str
    name: str
    is_city: bool
    department_name: str = ""

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> str:
        """ "thành phố" or "tỉnh" (English: "city", "province")."""
        return gettext("thành phố") if self.is_city else gettext("tỉnh")

    @property
    def level(self) -> str:
        """ "cấp thành phố" or "cấp tỉnh": the level that recognises products and plans."""
        return gettext("cấp thành phố") if self.is_city else gettext("cấp tỉnh")

    @property
    def whole(self) -> str:
        """ "toàn thành phố" or "toàn tỉnh"."""
        return gettext("toàn thành phố") if self.is_city else gettext("toàn tỉnh")

    @property
    def reviewer(self) -> str:
        return (
            gettext("Cán bộ thẩm định cấp thành phố")
            if self.is_city
            else gettext("Cán bộ thẩm định cấp tỉnh")
        )

    @property
    def department(self) -> str:
        """The department running OCOP there: "Sở Nông nghiệp và Môi trường tỉnh An Giang"."""
        # A proper name: in Vietnamese on English pages too, as the province's name is.
        if self.department_name:
            return self.department_name
        return f"Sở Nông nghiệp và Môi trường {_lower_first(self.name)}".strip()


#: When nothing says which province: the words of the level in general ("cấp tỉnh" is the
#: level of provinces and centrally-run cities alike).
UNKNOWN = ProvinceWords(code="", name="", is_city=False)


def _of_area(area: Area) -> ProvinceWords:
    return ProvinceWords(
        code=area.code,
        name=official_name(area.name, area.kind),
        is_city=area.kind == Area.Kind.CENTRAL_CITY,
    )


@lru_cache(maxsize=64)
def _from_official_list(code: str) -> ProvinceWords | None:
    try:
        province = Province.from_code(int(code))
    except ValueError:
        return None
    is_city = province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG
    kind = Area.Kind.CENTRAL_CITY if is_city else Area.Kind.PROVINCE
    return ProvinceWords(code=code, name=official_name(province.name, kind), is_city=is_city)


def words_for_code(code: str) -> ProvinceWords:
    """The words of today's province with this code: from the official list, else the data."""
    if not code:
        return UNKNOWN
    words = _from_official_list(code) if code.isdigit() else None
    if words is None:
        area = Area.objects.filter(code=code, kind__in=PROVINCE_KINDS).order_by("-pk").first()
        words = _of_area(area) if area else UNKNOWN
    return _with_settings(words)


def words_of(area: Area | None) -> ProvinceWords:
    """The words of the province ``area`` lies in (itself, if it is one)."""
    if area is None:
        return home()
    if area.kind in PROVINCE_KINDS:
        return _with_settings(_of_area(area))
    return words_for_code(area.path.split("/", 1)[0])


def _with_settings(words: ProvinceWords) -> ProvinceWords:
    """The installation's own province may be named in the settings (branding)."""
    if words.code and words.code == home_code():
        return replace(
            words,
            name=settings.OCOP_PROVINCE_NAME or words.name,
            department_name=settings.OCOP_DEPARTMENT_NAME,
        )
    return words


def home_code() -> str:
    """The code of the installation's province: the setting, else the province with the data
    ("" when no province has any)."""
    if settings.OCOP_PROVINCE_CODE:
        return settings.OCOP_PROVINCE_CODE
    return per_request(HOME_CACHE_KEY, _cached_home_code)


def _cached_home_code() -> str:
    code = cache.get(HOME_CACHE_KEY)
    if code is None:
        code = _province_with_data()
        cache.set(HOME_CACHE_KEY, code, HOME_CACHE_SECONDS)
    return code


def _province_with_data() -> str:
    provinces = list(
        Area.objects.current().filter(kind__in=PROVINCE_KINDS).values_list("code", flat=True)
    )
    if len(provinces) <= 1:
        return provinces[0] if provinces else ""
    relations = [name for name in DATA_RELATIONS if name in Area._meta.fields_map]
    counts = dict.fromkeys(provinces, 0)
    for relation in relations:
        # The areas with at least one such record: asked per area (an index finds it), where
        # a DISTINCT over the join read every producer of the country.
        rel = Area._meta.fields_map[relation]
        records = rel.related_model._default_manager.filter(**{rel.field.name: OuterRef("pk")})
        paths = Area.objects.filter(Exists(records)).values_list("path", flat=True)
        for path in paths:
            code = path.split("/", 1)[0]
            if code in counts:
                counts[code] += 1
    if not any(counts.values()):
        # No records yet: the province whose former districts were loaded (set_up_province).
        for path in Area.objects.former().values_list("path", flat=True)[:1]:
            return path.split("/", 1)[0]
        return ""
    return max(sorted(counts), key=lambda code: counts[code])


def home_first(code_lookup: str, chosen: str = "") -> Case:
    """An ordering that puts the province the user chose first, then the installation's (not
    Hà Nội, the first of the 34 by code, when every province is loaded):
    ``order_by(home_first("code", chosen_code(request)), "path")``."""
    whens = [
        When(**{code_lookup: code}, then=Value(rank))
        for rank, code in enumerate(dict.fromkeys(code for code in (chosen, home_code()) if code))
    ]
    return Case(*whens, default=Value(len(whens))) if whens else Value(0)


#: The session remembers the province a user with several chose (dashboards, plans).
SESSION_KEY = "ocop_province"


def may_choose(user, code: str) -> bool:
    return bool(policy.can(user, "everything.view")) or f"{code}/" in policy.province_paths(user)


def chosen_code(request) -> str:
    """The province chosen with ``?province=CODE`` (then remembered in the session), or the one
    chosen before; "" when none. A province the user does not work in is not a choice."""
    wanted = request.GET.get("province", "").strip()
    if wanted and may_choose(request.user, wanted):
        if request.session.get(SESSION_KEY) != wanted:
            request.session[SESSION_KEY] = wanted
        return wanted
    remembered = request.session.get(SESSION_KEY, "")
    return remembered if remembered and may_choose(request.user, remembered) else ""


def choices_for(user) -> list[tuple[str, str]]:
    """(code, name) of the provinces a user may choose between: the installation's first."""
    provinces = Area.objects.current().filter(kind__in=PROVINCE_KINDS)
    if not policy.can(user, "everything.view"):
        paths = policy.province_paths(user)
        if len(paths) <= 1:
            return []  # one province: nothing to choose, nothing to ask
        provinces = provinces.filter(path__in=paths)
    return [
        (code, official_name(name, kind))
        for code, name, kind in provinces.order_by(home_first("code"), "path").values_list(
            "code", "name", "kind"
        )
    ]


def home() -> ProvinceWords:
    """The installation's province, named as the settings say if they do."""
    name = settings.OCOP_PROVINCE_NAME
    if settings.OCOP_PROVINCE_CODE or not name:
        words = words_for_code(home_code())
        if words is UNKNOWN and name:
            words = replace(UNKNOWN, name=name)
    else:
        # Named but not coded: the name says its kind ("Thành phố …"), no query needed.
        words = ProvinceWords(code="", name=name, is_city=fold(name).startswith("thanh pho "))
    return replace(
        words,
        name=name or words.name,
        department_name=settings.OCOP_DEPARTMENT_NAME or words.department_name,
    )


def of_user(user) -> ProvinceWords:
    """The province a signed-in user works in, when there is exactly one; else the home one."""
    if user is not None and user.is_authenticated and not policy.can(user, "everything.view"):
        codes = {path.split("/", 1)[0] for path in policy.province_paths(user)}
        if len(codes) == 1:
            return words_for_code(codes.pop())
    return home()
