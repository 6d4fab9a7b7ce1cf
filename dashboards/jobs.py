"""The dashboard's spreadsheet as a long job (core.jobs): asked for on the dashboard, built on
the task queue (or inline without one), downloaded from the job's page."""

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dashboards import export as spreadsheet
from dashboards.reports import city_dashboard
from dashboards.scope import resolve_scope


def file_name(year: int, scope) -> str:
    return f"ocop-dashboard-{year}" + (f"-{scope.area.code}" if scope.area else "") + ".xlsx"


def build_export(job, user_id: int, area: str, province: str, year: int, language: str) -> None:
    """Compute the year's dashboard for what the user sees, then write it sheet by sheet."""
    with translation.override(language):
        user = get_user_model().objects.get(pk=user_id)
        job.progress(0, None, _("Đang tính số liệu của bảng điều khiển…"))
        scope = resolve_scope(user, area, province)
        dashboard = city_dashboard(user, scope, year, timezone.localdate())

        def written(done: int, total: int) -> None:
            message = _("Đang ghi bảng tính: trang %(done)s/%(total)s…")
            job.progress(1 + done, 1 + total, message % {"done": done, "total": total})

        content = spreadsheet.workbook_bytes(dashboard, progress=written)
        job.save_result(file_name(year, scope), content, spreadsheet.XLSX)
        job.progress(job.job.total, None, _("Đã xong: bảng tính sẵn sàng để tải."))
