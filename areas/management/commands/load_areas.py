from django.core.management.base import BaseCommand, CommandError

from areas import services


class Command(BaseCommand):
    help = (
        "Nạp 34 tỉnh, thành phố và các xã, phường hiện hành (từ 01/07/2025) từ gói "
        "vietnam-provinces. Chạy lại không thay đổi gì nếu dữ liệu đã đủ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            metavar="MÃ",
            help="Chỉ nạp tỉnh có mã này (ví dụ 92 là Cần Thơ); có thể lặp lại.",
        )

    def handle(self, *args, province=None, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  xã, phường: {done}/{total}")

        self.stdout.write("Đang nạp đơn vị hành chính hiện hành…")
        try:
            result = services.load_current_units(province, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {result['provinces']} tỉnh, thành phố; {result['communes']} xã, phường, "
                f"đặc khu ({result['created']} mới, {result['updated']} cập nhật)."
            )
        )
