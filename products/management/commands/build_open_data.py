from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from areas import provinces
from products import open_data


def default_base_url() -> str:
    """The portal's public address: its first trusted origin, else its first host name."""
    if settings.CSRF_TRUSTED_ORIGINS:
        return settings.CSRF_TRUSTED_ORIGINS[0].rstrip("/") + "/"
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    if not hosts:
        raise CommandError("Hãy cho biết địa chỉ của cổng: --base-url https://ocop.example.gov.vn")
    return f"https://{hosts[0].lstrip('.')}/"


class Command(BaseCommand):
    help = (
        "Dựng các tệp dữ liệu mở của danh mục (catalogue.json, catalogue.csv, kèm bản nén gzip) "
        "cho tỉnh của cổng và cho toàn bộ các tỉnh (chạy theo lịch, và sau khi nạp dữ liệu lớn)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            help="Địa chỉ công khai của cổng, dùng cho các đường dẫn trong tệp "
            "(mặc định: CSRF_TRUSTED_ORIGINS hoặc ALLOWED_HOSTS đầu tiên).",
        )
        parser.add_argument(
            "--province",
            action="append",
            help="Mã tỉnh, hoặc 'all' cho mọi tỉnh (lặp lại được; mặc định: tỉnh của cổng và all).",
        )

    def handle(self, *args, base_url=None, province=None, **options):
        base_url = base_url or default_base_url()
        if not base_url.endswith("/"):
            base_url += "/"
        chosen = province or [provinces.home_code() or open_data.ALL, open_data.ALL]
        today = timezone.localdate()
        for code in dict.fromkeys(chosen):
            if code != open_data.ALL and not code.isdigit():
                raise CommandError(f"Mã tỉnh không hợp lệ: {code}")
            count = open_data.build(code, base_url, today)
            self.stdout.write(f"{code}: {count} sản phẩm ({base_url})")
