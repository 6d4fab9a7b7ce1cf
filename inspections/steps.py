"""Who acts next on a plan, an inspection or a report, in one line for every page."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from inspections.models import Inspection, InspectionPlan, PublicReport
from products.models import Revocation

S, F = Inspection.Status, Inspection.FollowUp


@dataclass(frozen=True)
class NextStep:
    who: str
    what: str

    def __str__(self) -> str:
        return f"{self.what} — {self.who}"


def _day(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _commune(inspection: Inspection) -> str:
    return _("UBND %(area)s") % {"area": inspection.product.producer.area.name}


def when_planned(inspection: Inspection) -> str:
    if inspection.planned_on:
        return _day(inspection.planned_on)
    return _("tháng %(month)s/%(year)s") % {
        "month": inspection.planned_month,
        "year": inspection.year,
    }


def plan_next_step(plan: InspectionPlan) -> NextStep:
    office = settings.OCOP_OFFICE_NAME
    if not plan.is_approved:
        return NextStep(office, _("Chờ hoàn thiện danh sách và phê duyệt kế hoạch"))
    return NextStep(
        _("%(office)s chủ trì, UBND cấp xã phối hợp") % {"office": office},
        _("Kiểm tra các sản phẩm theo kế hoạch và ghi biên bản"),
    )


def next_step(inspection: Inspection) -> NextStep | None:
    """Who acts next on an inspection; None once it has ended."""
    office = settings.OCOP_OFFICE_NAME
    status = inspection.status
    if status == S.PLANNED:
        return NextStep(
            _("%(office)s chủ trì, %(commune)s phối hợp")
            % {"office": office, "commune": _commune(inspection)},
            _("Chờ kiểm tra (dự kiến %(when)s) và ghi biên bản")
            % {"when": when_planned(inspection)},
        )
    if status == S.RECORDED:
        return NextStep(office, _("Chờ quyết định xử lý sau kiểm tra"))
    if status == S.FOLLOW_UP:
        if inspection.follow_up == F.CORRECTIVE:
            return NextStep(
                _("Chủ thể %(producer)s") % {"producer": inspection.product.producer.name},
                _("Khắc phục trước ngày %(day)s; sau đó đoàn kiểm tra tái kiểm tra")
                % {"day": _day(inspection.corrective_deadline)},
            )
        return NextStep(office, _("Chờ tái kiểm tra"))
    if status == S.REVOCATION:
        revocation = inspection.revocation
        if revocation.status != Revocation.Status.PROPOSED:
            return None
        return NextStep(
            revocation.get_authority_display(),
            _("Chờ quyết định thu hồi giấy chứng nhận (hạn %(day)s)")
            % {"day": _day(revocation.deadline)},
        )
    return None


def report_next_step(report: PublicReport) -> NextStep | None:
    office = settings.OCOP_OFFICE_NAME
    if report.status == PublicReport.Status.NEW:
        return NextStep(office, _("Chờ tiếp nhận, xem xét phản ánh"))
    if report.status == PublicReport.Status.PROCESSING:
        if report.inspection_id:
            return NextStep(office, _("Đang kiểm tra đột xuất; đóng phản ánh khi có kết quả"))
        return NextStep(office, _("Đang xử lý; đóng phản ánh với kết quả xử lý"))
    return None
