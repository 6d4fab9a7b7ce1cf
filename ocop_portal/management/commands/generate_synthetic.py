import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ocop_portal import synthetic

WIDTH = 30


def number(value: int) -> str:
    """10400 → 10.400, as Vietnamese writes it."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Tạo sổ OCOP tổng hợp quy mô cả nước để thử tải (mặc định 20.000 chủ thể, 50.000 sản "
        "phẩm, 60.000 giấy chứng nhận trên mọi xã, phường đã nạp; hồ sơ đánh giá và phiếu chấm "
        "theo phiếu thật của Quyết định 26/2026/QĐ-TTg khi có --evaluations). Ghi từng lô, mỗi "
        "lô một giao dịch: chạy lại cùng tham số thì làm tiếp phần còn dở, đã xong thì không "
        "ghi gì thêm. Dữ liệu bịa, đánh dấu minh họa: chỉ cho máy thử, không bao giờ cho máy "
        "chủ thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống (mặc định 1).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Hệ số quy mô, ví dụ 0.01 (mặc định 1)."
        )
        for name, what in [
            ("producers", "chủ thể"),
            ("products", "sản phẩm"),
            ("certificates", "giấy chứng nhận"),
        ]:
            parser.add_argument(
                f"--{name}", type=int, default=None, help=f"Số {what} (mặc định theo --scale)."
            )
        parser.add_argument(
            "--evaluations",
            type=int,
            default=0,
            help="Số hồ sơ đánh giá theo Quyết định 26/2026/QĐ-TTg, mỗi sản phẩm nhiều nhất "
            "một (mặc định 0: không tạo).",
        )
        parser.add_argument(
            "--sheets",
            type=int,
            default=None,
            help="Số phiếu chấm: mỗi hồ sơ số phiếu / số hồ sơ thành viên, phần dư là phiếu "
            "thống nhất của hội đồng (mặc định 5 phiếu mỗi hồ sơ).",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=None,
            help=f"Số đợt đánh giá năm {synthetic.ROUND_YEAR}, chia lần lượt cho các tỉnh "
            f"(mặc định {synthetic.ROUNDS_PER_PROVINCE} đợt mỗi tỉnh).",
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
        share = done / total if total else 1
        filled = round(WIDTH * share)
        bar = "#" * filled + " " * (WIDTH - filled)
        end = "\n" if done >= total else ""
        self.stdout.write(
            f"\r[{bar}] {share:4.0%} {label} {number(done)}/{number(total)}", ending=end
        )
        self.stdout.flush()

    def handle(self, *args, seed, scale, clear, not_production, **options):
        if not settings.DEBUG and not not_production:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy chủ thật. Dữ liệu tổng hợp là dữ liệu bịa. "
                "Nếu chắc chắn, chạy lại với --i-know-this-is-not-production."
            )
        if scale <= 0:
            raise CommandError("--scale phải lớn hơn 0.")
        sizes = {
            name: options[name]
            for name in ("producers", "products", "certificates", "rounds", "evaluations", "sheets")
        }
        if any(value is not None and value < 0 for value in sizes.values()):
            raise CommandError("Số lượng không được âm.")
        if clear:
            self.stdout.write(f"Đã xóa {synthetic.clear()} chủ thể tổng hợp cũ.")
        want = synthetic.targets(scale, **sizes)
        asked = (
            f"{number(want.producers)} chủ thể, {number(want.products)} sản phẩm, "
            f"{number(want.certificates)} giấy chứng nhận"
        )
        if want.evaluations:
            asked += (
                f", {number(want.evaluations)} hồ sơ đánh giá, {number(want.sheets)} phiếu chấm"
            )
        self.stdout.write(f"Tạo {asked} (seed {seed})…")
        started = time.monotonic()
        try:
            made = synthetic.generate(seed=seed, scale=scale, progress=self.progress, **sizes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong trong {time.monotonic() - started:.0f} s; lần này ghi "
                f"{number(made.producers)} chủ thể, {number(made.products)} sản phẩm, "
                f"{number(made.certificates)} giấy chứng nhận, {number(made.rounds)} đợt, "
                f"{number(made.evaluations)} hồ sơ đánh giá, {number(made.sheets)} phiếu chấm."
            )
        )
