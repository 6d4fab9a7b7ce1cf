from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from ocop_portal import demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu trình diễn: địa bàn thành phố Cần Thơ, sổ sản phẩm OCOP (chủ thể, sản phẩm, "
        "giấy chứng nhận) và các tài khoản demo (mật khẩu "
        f"'{demo.DEMO_PASSWORD}'). Chạy lại lần hai không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo-passwords",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (máy chủ thật): "
            "các tài khoản demo có mật khẩu công khai.",
        )

    def progress(self, done: int, total: int) -> None:
        self.stdout.write(f"    {done}/{total}")

    def handle(self, *args, allow_demo_passwords=False, **options):
        if not settings.DEBUG and not allow_demo_passwords:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy chủ thật. Tài khoản demo có mật khẩu công khai "
                f"'{demo.DEMO_PASSWORD}'. Nếu chắc chắn, chạy lại với --allow-demo-passwords."
            )
        self.stdout.write(
            "1/8 Địa bàn: thành phố Cần Thơ, 9 quận, huyện (đến 30/06/2025) và "
            "103 xã, phường hiện hành…"
        )
        demo.load_areas(progress=self.progress)
        self.stdout.write(
            "2/8 Sổ sản phẩm OCOP: chủ thể, sản phẩm và giấy chứng nhận sao 2020–2025, kể cả "
            "đánh giá lại năm 2024–2025 (bản ghi thật và minh họa)…"
        )
        registry = demo.load_registry(progress=self.progress)
        self.stdout.write(
            f"    {registry['producers']} chủ thể, {registry['products']} sản phẩm, "
            f"{registry['certificates']} giấy chứng nhận "
            f"(thêm {registry['created']}, cập nhật {registry['updated']})."
        )
        self.stdout.write(
            "3/8 Kế hoạch 2022 và 2023 (80/KH-UBND): chỉ tiêu, kinh phí, giải ngân và số liệu "
            "đã công bố…"
        )
        plans = demo.load_plans(progress=self.progress)
        self.stdout.write(
            f"    {plans['plans']} kế hoạch, {plans['targets']} chỉ tiêu, "
            f"{plans['budget_lines']} dòng kinh phí, {plans['disbursements']} lần giải ngân, "
            f"{plans['figures']} số liệu công bố "
            f"(thêm {plans['created']}, cập nhật {plans['updated']})."
        )
        self.stdout.write("4/8 Tài khoản demo…")
        accounts = demo.load_accounts()
        self.stdout.write(
            "5/8 Đánh giá, phân hạng: căn cứ và bộ tiêu chí, các đợt năm 2022, 2023 và năm 2026 "
            "theo 26/2026/QĐ-TTg (công nhận mới và đánh giá lại)…"
        )
        added = demo.load_evaluations(progress=self.progress)
        self.stdout.write(
            f"    thêm {added['rounds']} đợt đánh giá, {added['evaluations']} hồ sơ đánh giá."
        )
        self.stdout.write(
            "6/8 Kiểm tra sau công nhận năm 2026: kế hoạch, biên bản, phản ánh của người dân và "
            "thu hồi giấy chứng nhận…"
        )
        checked = demo.load_inspections()
        self.stdout.write(
            f"    thêm {checked['plans']} kế hoạch kiểm tra, {checked['inspections']} lượt kiểm "
            f"tra, {checked['reports']} phản ánh, {checked['revocations']} quyết định thu hồi."
        )
        self.stdout.write(
            "7/8 Tài khoản của chủ thể OCOP, lời mời, hồ sơ nộp trực tuyến và trang công khai…"
        )
        producers = demo.load_producer_accounts()
        accounts += producers
        online = demo.load_online_dossier(User.objects.get(username="chuthe2"))
        pages = demo.load_public_pages(User.objects.get(username="chuthe1"))
        self.stdout.write(
            f"    {len(producers)} tài khoản chủ thể, {1 if online else 0} hồ sơ nộp trực "
            f"tuyến; thêm {pages['published']} trang công khai, {pages['proposals']} đề xuất "
            "chờ duyệt."
        )
        self.stdout.write(
            "8/8 Kết nối tiêu thụ năm 2026: yêu cầu của người mua từ danh mục công khai…"
        )
        connected = demo.load_enquiries()
        self.stdout.write(f"    thêm {connected['enquiries']} yêu cầu kết nối tiêu thụ.")
        self.stdout.write(
            self.style.SUCCESS(f"Xong. Tài khoản demo (mật khẩu cho tất cả: {demo.DEMO_PASSWORD}):")
        )
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username:<{width}}  {account.role} — {account.areas}")
