from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notices.services import DEADLINE_DAYS, RERATING_CLOSING_DAYS, notify_deadlines, notify_rerating


class Command(BaseCommand):
    help = (
        "Báo cho người xử lý tiếp các hồ sơ đánh giá chưa kết luận thuộc đợt sắp kết thúc "
        f"(trong {DEADLINE_DAYS} ngày tới), và báo cán bộ xã cùng chủ thể khi đến thời hạn nộp "
        f"hồ sơ đánh giá lại giấy chứng nhận và {RERATING_CLOSING_DAYS} ngày trước khi hết "
        "thời hạn đó (chạy hằng ngày). Mỗi thông báo chỉ được gửi một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="day", help="Ngày xét, dạng YYYY-MM-DD (mặc định: hôm nay)."
        )

    def handle(self, *args, day=None, **options):
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        given = notify_deadlines(today=today)
        self.stdout.write(f"{len(given)} thông báo đợt đánh giá sắp kết thúc.")
        rerating = notify_rerating(today=today)
        self.stdout.write(
            f"{len(rerating.notices)} thông báo và {len(rerating.emails)} thư cho chủ thể về "
            "thời hạn nộp hồ sơ đánh giá lại."
        )
