from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from areas.services import DataFileError
from ocop_portal.setup import Person, set_up_province


class Command(BaseCommand):
    help = (
        "Lần chạy đầu cho một tỉnh, thành phố (không có dữ liệu demo): xã, phường hiện hành của "
        "tỉnh (và các huyện cũ, từ tệp dữ liệu), danh mục phân loại sản phẩm, bộ tiêu chí đánh "
        "giá, tài khoản quản trị viên và cán bộ thẩm định cấp tỉnh. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("province", metavar="MÃ_TỈNH", help="Mã tỉnh, ví dụ 91 (An Giang).")
        parser.add_argument(
            "--former-districts",
            metavar="TỆP",
            type=Path,
            help="Tệp JSON các huyện trước 01/07/2025 và xã, phường kế thừa "
            "(mẫu: areas/data/can_tho.json).",
        )
        parser.add_argument(
            "--admin",
            metavar="TÊN[:EMAIL]",
            help="Tài khoản quản trị viên, ví dụ quantri:it@angiang.gov.vn.",
        )
        parser.add_argument(
            "--reviewer",
            action="append",
            default=[],
            metavar="TÊN[:EMAIL]",
            help="Tài khoản cán bộ thẩm định cấp tỉnh; có thể lặp lại.",
        )

    def handle(self, *args, province, former_districts=None, admin=None, reviewer=(), **options):
        try:
            administrator = Person.parse(admin) if admin else None
            reviewers = [Person.parse(text) for text in reviewer]
        except (ValueError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from error

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  xã, phường: {done}/{total}")

        self.stdout.write(f"Thiết lập tỉnh mã {province}…")
        try:
            result = set_up_province(
                province,
                former_districts=former_districts,
                administrator=administrator,
                reviewers=reviewers,
                progress=progress,
            )
        except (DataFileError, ValueError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from error

        words = result.province.province_words
        self.stdout.write(f"1/4 Địa bàn: {words.name}, {result.communes} xã, phường, đặc khu.")
        if former_districts:
            self.stdout.write(
                f"    {result.former_districts} đơn vị cấp huyện cũ, "
                f"thêm {result.successor_links} liên kết xã, phường kế thừa."
            )
        self.stdout.write(f"2/4 Danh mục phân loại sản phẩm: thêm {result.categories_added} dòng.")
        self.stdout.write(
            "3/4 Bộ tiêu chí: {sets}; thêm {created}, sửa {updated}, xóa {deleted} dòng.".format(
                **result.criteria
            )
        )
        self.stdout.write("4/4 Tài khoản:")
        for user, created in result.accounts:
            state = "mới" if created else "đã có"
            self.stdout.write(f"    {user.username} ({user.get_role_display()}, {state})")
        new = [user.username for user, created in result.accounts if created]
        self.stdout.write(self.style.SUCCESS(f"Xong: {words.name}."))
        self.stdout.write(f"Ghi vào .env: OCOP_PROVINCE_CODE={result.province.code}")
        for username in new:
            self.stdout.write(f"Đặt mật khẩu: python manage.py changepassword {username}")
