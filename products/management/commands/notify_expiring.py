from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from products.notifications import (
    NOTICE_DAYS_BEFORE,
    Notice,
    plan_expiry_notices,
    send_expiry_notices,
)

#: "Today" is the programme's day, whatever zone the server's clock or TIME_ZONE is in.
PROGRAMME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_DAYS_BEFORE = 365


class Command(BaseCommand):
    help = (
        "Gửi thư báo giấy chứng nhận OCOP sắp hết hạn cho chủ thể và cán bộ phụ trách địa bàn "
        "(chạy hằng ngày). Mỗi giấy chứng nhận chỉ được báo một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            help="Ngày xét, dạng YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam).",
        )
        parser.add_argument(
            "--days-before",
            type=int,
            default=NOTICE_DAYS_BEFORE,
            help=f"Báo các giấy hết hạn trong bấy nhiêu ngày tới (mặc định {NOTICE_DAYS_BEFORE}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ liệt kê những thư sẽ gửi; không gửi, không đánh dấu gì.",
        )

    def handle(self, *args, day=None, days_before=NOTICE_DAYS_BEFORE, dry_run=False, **options):
        on = self._day(day)
        if not 1 <= days_before <= MAX_DAYS_BEFORE:
            raise CommandError(
                _("--days-before phải từ 1 đến %(max)s ngày.") % {"max": MAX_DAYS_BEFORE}
            )
        if days_before < NOTICE_DAYS_BEFORE:
            self.stderr.write(
                self.style.WARNING(
                    _("Chú ý: quy định yêu cầu báo trước ít nhất %(days)s ngày.")
                    % {"days": NOTICE_DAYS_BEFORE}
                )
            )
        self.stdout.write(
            _("Giấy chứng nhận còn hiệu lực ngày %(day)s và hết hạn trong %(days)s ngày tới:")
            % {"day": date_format(on, "SHORT_DATE_FORMAT"), "days": days_before}
        )
        if dry_run:
            self._dry_run(on, days_before)
            return
        result = send_expiry_notices(on=on, days_before=days_before, progress=self._progress)
        summary = _("Đã gửi %(messages)s thông báo cho %(certificates)s giấy chứng nhận.") % {
            "messages": result.messages_sent,
            "certificates": len(result.notified),
        }
        self.stdout.write(self.style.SUCCESS(summary))
        if result.failed:
            self.stdout.write(
                self.style.ERROR(
                    _("%(count)s địa chỉ không gửi được, xem nhật ký (log).")
                    % {"count": len(result.failed)}
                )
            )
        if result.already_sent:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s thông báo đã được một lần chạy khác gửi (hai lần chạy trùng "
                        "nhau): bỏ qua, không gửi lại."
                    )
                    % {"count": len(result.already_sent)}
                )
            )
        if result.without_recipients:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s giấy chứng nhận chưa có địa chỉ email nào để báo; "
                        "sẽ thử lại vào lần chạy sau."
                    )
                    % {"count": len(result.without_recipients)}
                )
            )

    def _day(self, value: str | None) -> date:
        if value is None:
            return timezone.localdate(timezone=PROGRAMME_ZONE)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                _("Ngày “%(value)s” không hợp lệ: hãy viết theo dạng YYYY-MM-DD.")
                % {"value": value}
            ) from None

    def _dry_run(self, on: date, days_before: int) -> None:
        notices = plan_expiry_notices(on=on, days_before=days_before)
        for notice in notices:
            self.stdout.write(
                f"  {self._describe(notice)} → {', '.join(notice.recipients) or _('(không có)')}"
            )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Chạy thử: sẽ gửi %(messages)s thông báo cho %(certificates)s giấy chứng nhận; "
                    "chưa gửi, chưa đánh dấu gì."
                )
                % {
                    "messages": sum(len(n.recipients) for n in notices),
                    "certificates": sum(1 for n in notices if n.recipients),
                }
            )
        )

    def _progress(self, notice: Notice, sent_to: list[str], failed: list[str]) -> None:
        line = f"  {self._describe(notice)}"
        if sent_to:
            self.stdout.write(f"{line} → {', '.join(sent_to)}")
        if failed:
            self.stdout.write(self.style.ERROR(f"{line} ✗ {', '.join(failed)}"))

    @staticmethod
    def _describe(notice: Notice) -> str:
        certificate = notice.certificate
        return _("%(product)s, %(stars)s sao, QĐ %(number)s, hết hạn %(day)s") % {
            "product": certificate.product.name,
            "stars": certificate.stars,
            "number": certificate.decision_number,
            "day": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        }
