"""Who acts next on an enquiry, in one line for every page."""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from enquiries.models import Enquiry


@dataclass(frozen=True)
class NextStep:
    who: str
    what: str
    late: bool = False

    def __str__(self) -> str:
        return f"{self.what} — {self.who}"


def next_step(enquiry: Enquiry) -> NextStep | None:
    """The producer answers the buyer, then the commune's officer closes the enquiry once the
    connection is made; None once closed."""
    producer = enquiry.product.producer
    if enquiry.status == Enquiry.Status.NEW:
        due = formats.date_format(enquiry.answer_due, "SHORT_DATE_FORMAT")
        if enquiry.is_late:
            what = _("Quá hạn trả lời người mua (%(day)s): liên hệ người mua ngay") % {"day": due}
        else:
            what = _("Liên hệ, trả lời người mua trước ngày %(day)s") % {"day": due}
        return NextStep(
            _("Chủ thể %(producer)s") % {"producer": producer.name}, what, enquiry.is_late
        )
    if enquiry.status == Enquiry.Status.ANSWERED:
        return NextStep(
            _("Cán bộ OCOP phụ trách %(area)s") % {"area": producer.area.name},
            _("Theo dõi kết quả kết nối, đóng yêu cầu khi xong"),
        )
    return None
