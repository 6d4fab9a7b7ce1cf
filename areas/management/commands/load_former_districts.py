from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from areas import services


class Command(BaseCommand):
    help = (
        "Nạp đơn vị cấp huyện trước 01/07/2025 của một tỉnh, thành phố và các xã, phường hiện "
        "hành kế thừa từng huyện, từ một tệp dữ liệu JSON (mẫu: areas/data/can_tho.json). Nạp "
        "luôn các xã, phường hiện hành của tỉnh đó. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("data_file", metavar="TỆP", type=Path, help="Tệp JSON của tỉnh.")

    def handle(self, *args, data_file: Path, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  xã, phường: {done}/{total}")

        try:
            result = services.load_province_history(data_file, progress=progress)
        except services.DataFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: tỉnh mã {result['province']}, {result['districts']} đơn vị cấp huyện cũ, "
                f"thêm {result['links']} liên kết xã, phường kế thừa."
            )
        )
