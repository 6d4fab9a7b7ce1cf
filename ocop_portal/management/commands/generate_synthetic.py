import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ocop_portal import synthetic


class Command(BaseCommand):
    help = (
        "Tạo sổ OCOP tổng hợp quy mô cả nước để thử tải (mặc định 20.000 chủ thể, 50.000 sản "
        "phẩm, 60.000 giấy chứng nhận trên mọi xã, phường đã nạp). Dữ liệu bịa, đánh dấu minh "
        "họa: chỉ cho máy thử, không bao giờ cho máy chủ thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống (mặc định 1).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Hệ số quy mô, ví dụ 0.01 (mặc định 1)."
        )
        parser.add_argument(
            "--clear", action="store_true", help="Xóa dữ liệu tổng hợp đã tạo trước khi tạo mới."
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Cho phép chạy khi DEBUG tắt (máy thử tải chạy với DEBUG=false).",
        )

    def progress(self, label: str, done: int, total: int) -> None:
        self.stdout.write(f"    {label}: {done}/{total}")

    def handle(self, *args, seed, scale, clear, not_production, **options):
        if not settings.DEBUG and not not_production:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy chủ thật. Dữ liệu tổng hợp là dữ liệu bịa. "
                "Nếu chắc chắn, chạy lại với --i-know-this-is-not-production."
            )
        if scale <= 0:
            raise CommandError("--scale phải lớn hơn 0.")
        if clear:
            self.stdout.write(f"Đã xóa {synthetic.clear()} chủ thể tổng hợp cũ.")
        want = synthetic.targets(scale)
        self.stdout.write(
            f"Tạo {want.producers} chủ thể, {want.products} sản phẩm, "
            f"{want.certificates} giấy chứng nhận (seed {seed})…"
        )
        started = time.monotonic()
        try:
            made = synthetic.generate(seed=seed, scale=scale, progress=self.progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong trong {time.monotonic() - started:.0f} s: {made.producers} chủ thể, "
                f"{made.products} sản phẩm, {made.certificates} giấy chứng nhận."
            )
        )
