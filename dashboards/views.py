"""The dashboards: the city's (or an area's) year against its plan, several years side by side,
and the same tables as a spreadsheet. Signed-in users only; each sees their own areas."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from areas.provinces import choices_for, chosen_code
from budgets.models import FIRST_YEAR
from core import jobs
from core.caching import CACHE_SECONDS, cached_until_changed
from core.submissions import submit_once
from dashboards import export as spreadsheet
from dashboards import jobs as dashboard_jobs
from dashboards.reports import (
    MAX_YEARS,
    city_dashboard,
    dashboard_charts,
    years_charts,
    years_report,
)
from dashboards.scope import area_choices, resolve_scope

#: The records the dashboards count (app labels: a revocation and a certificate's extension
#: are "products", plans, inspections and the public's reports "inspections"): a change of any
#: other kind leaves them warm.
DASHBOARD_KINDS = ("areas", "subjects", "products", "evaluations", "budgets", "inspections")


def _year(request: HttpRequest, name: str, default: int) -> int:
    """A year from the query string, between the programme's first year and this one."""
    value = request.GET.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= timezone.localdate().year:
        raise Http404
    return int(value)


def _common(request: HttpRequest, scope) -> dict:
    this_year = timezone.localdate().year
    return {
        "scope": scope,
        "areas": area_choices(request.user, scope.province),
        # Several provinces in one installation: the user picks one (none offered with one).
        "provinces": SimpleLazyObject(lambda: choices_for(request.user)),
        "all_years": list(range(this_year, FIRST_YEAR - 1, -1)),
    }


def _dashboard(request: HttpRequest, scope, year: int):
    """The year's dashboard for a scope, computed once until the data changes: users who see
    the same areas share it."""
    user = request.user
    dashboard, _as_of = cached_until_changed(
        "dashboard.city",
        lambda today: city_dashboard(user, scope, year, today),
        *scope.cache_parts(user),
        year,
        province=scope.province.code,
        kinds=DASHBOARD_KINDS,
    )
    return dashboard


@require_safe
@login_required
def city(request: HttpRequest) -> HttpResponse:
    scope = resolve_scope(request.user, request.GET.get("area"), chosen_code(request))
    year = _year(request, "year", timezone.localdate().year)
    dashboard = _dashboard(request, scope, year)
    context = {
        **_common(request, scope),
        "year": year,
        "dashboard": dashboard,
        "charts": dashboard_charts(dashboard),
        # How long the page's parts drawn from the certificates' figures are kept.
        "cache_seconds": CACHE_SECONDS,
    }
    return render(request, "dashboards/city.html", context)


@require_safe
@login_required
def years(request: HttpRequest) -> HttpResponse:
    scope = resolve_scope(request.user, request.GET.get("area"), chosen_code(request))
    this_year = timezone.localdate().year
    last = _year(request, "to", this_year)
    first = _year(request, "from", max(last - 4, FIRST_YEAR))
    if first > last:
        first, last = last, first
    first = max(first, last - MAX_YEARS + 1)
    user = request.user
    # Several years of counts: computed once until the province's records change, like the
    # year's dashboard, and shared by users who see the same areas.
    columns, _as_of = cached_until_changed(
        "dashboard.years",
        lambda today: years_report(user, scope, first, last, today),
        *scope.cache_parts(user),
        first,
        last,
        province=scope.province.code,
        kinds=DASHBOARD_KINDS,
    )
    context = {
        **_common(request, scope),
        "first": first,
        "last": last,
        "columns": columns,
        "charts": years_charts(columns),
        "years_range": True,
    }
    return render(request, "dashboards/years.html", context)


@require_safe
@login_required
def export(request: HttpRequest) -> HttpResponse:
    scope = resolve_scope(request.user, request.GET.get("area"), chosen_code(request))
    year = _year(request, "year", timezone.localdate().year)
    dashboard = _dashboard(request, scope, year)
    response = HttpResponse(spreadsheet.workbook_bytes(dashboard), content_type=spreadsheet.XLSX)
    name = f"ocop-dashboard-{year}" + (f"-{scope.area.code}" if scope.area else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_POST
@login_required
@submit_once
def export_start(request: HttpRequest) -> HttpResponse:
    """The spreadsheet as a job: the user follows it on the job's page, then downloads it."""
    province = chosen_code(request)
    scope = resolve_scope(request.user, request.GET.get("area"), province)
    year = _year(request, "year", timezone.localdate().year)
    title = _("Bảng Excel của bảng điều khiển năm %(year)s — %(scope)s") % {
        "year": year,
        "scope": scope.label,
    }
    job = jobs.start(
        request.user,
        dashboard_jobs.build_export,
        title,
        request.user.pk,
        str(scope.area.pk) if scope.area else "",
        scope.province.code,
        year,
        get_language(),
    )
    return redirect(job)
