from django.core.management.base import BaseCommand

from products.services import load_categories


class Command(BaseCommand):
    help = (
        "Nạp danh mục phân loại sản phẩm OCOP (148/QĐ-TTg: 6 ngành, 17 nhóm, 26 bộ sản phẩm; "
        "và danh mục 1048/QĐ-TTg cho hồ sơ cũ). Chạy lại không thay đổi gì."
    )

    def handle(self, *args, **options):
        added = load_categories()
        self.stdout.write(self.style.SUCCESS(f"Xong: thêm {added} mục phân loại."))
