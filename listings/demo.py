"""The demo of the producers' public pages: two certified products of the demo registry with
their story and points of sale, published; and, for a producer's account given, one proposal
waiting for its commune officer. Idempotent: run twice, it changes nothing.

The products are illustrative records of the registry (``is_illustrative``), and so are their
stories and points of sale: the streets are Cần Thơ's, the shops and links are not real ones
(the links' domain is the reserved ``.example``)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from listings import services
from listings.models import PageChange
from products.models import PointOfSale, Product

#: Product name → its published story and points of sale.
PAGES = {
    "Bánh pía đậu xanh Thanh Tâm": {
        "story": (
            "Lò bánh của gia đình chị Thanh Tâm ở Ninh Kiều làm bánh pía từ năm 1998, theo "
            "cách của người Hoa Sóc Trăng: vỏ bánh cán tay nhiều lớp, nhân đậu xanh sên với "
            "sầu riêng Cái Mơn và trứng muối.\n\nMỗi mẻ bánh được nướng than hai lần để vỏ giòn "
            "mà không khô. Bánh không dùng chất bảo quản, giữ được 30 ngày."
        ),
        "points": [
            {
                "kind": PointOfSale.Kind.SHOP,
                "name": "Cửa hàng đặc sản Tây Đô",
                "address": "42 Hai Bà Trưng, phường Ninh Kiều, thành phố Cần Thơ",
                "url": "",
                "phone": "0292 3821 456",
            },
            {
                "kind": PointOfSale.Kind.SUPERMARKET,
                "name": "Siêu thị Ninh Kiều, quầy đặc sản OCOP",
                "address": "1 Đại lộ Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
                "url": "",
                "phone": "",
            },
            {
                "kind": PointOfSale.Kind.ONLINE,
                "name": "Gian hàng Bánh pía Thanh Tâm",
                "address": "",
                "url": "https://shop.ocop-demo.example/banh-pia-thanh-tam",
                "phone": "",
            },
        ],
    },
    "Hủ tiếu khô Cái Răng Xưa": {
        "story": (
            "Hủ tiếu Cái Răng Xưa được làm từ gạo Nàng Thơm của Cần Thơ, ngâm, xay bột và tráng "
            "trên bếp củi như các lò hủ tiếu ven chợ nổi Cái Răng vẫn làm từ nhiều đời.\n\nSợi "
            "hủ tiếu phơi nắng hai ngày, dai và không bở khi nấu; mỗi gói có hướng dẫn nấu hủ "
            "tiếu nam vang kiểu miền Tây."
        ),
        "points": [
            {
                "kind": PointOfSale.Kind.TOURISM,
                "name": "Điểm du lịch Lò hủ tiếu Cái Răng",
                "address": "Khu vực Thạnh Mỹ, phường Cái Răng, thành phố Cần Thơ",
                "url": "",
                "phone": "0292 3910 123",
            },
            {
                "kind": PointOfSale.Kind.OCOP_SHOWROOM,
                "name": "Điểm giới thiệu và bán sản phẩm OCOP Cần Thơ",
                "address": "Bến Ninh Kiều, phường Ninh Kiều, thành phố Cần Thơ",
                "url": "",
                "phone": "",
            },
            {
                "kind": PointOfSale.Kind.ONLINE,
                "name": "Gian hàng Cái Răng Xưa",
                "address": "",
                "url": "https://shop.ocop-demo.example/hu-tieu-cai-rang-xua",
                "phone": "",
            },
        ],
    },
}


def _demo_photo() -> SimpleUploadedFile:
    """A plain photo made on the spot (no file shipped with the demo)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (196, 150, 84)).save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("anh-demo.jpg", buffer.getvalue(), content_type="image/jpeg")


@transaction.atomic
def publish_pages() -> int:
    """The stories and points of sale of ``PAGES``, written as published (an officer's
    correction of the registry: no proposal). Returns how many products were written."""
    written = 0
    for name, page in PAGES.items():
        product = Product.objects.filter(name=name).first()
        if product is None or product.story:
            continue
        product.story = page["story"]
        product.save()
        for position, point in enumerate(page["points"]):
            PointOfSale.objects.create(product=product, position=position, **point)
        written += 1
    return written


def propose_as(account) -> PageChange | None:
    """One proposal of the producer's account, waiting for its commune officer: a story and a
    point of sale for its first certified product (its own details when it has none), with a
    new photo. None when the account has proposed before."""
    if account is None or PageChange.objects.filter(proposed_by=account).exists():
        return None
    producer = account.producer
    today = timezone.localdate()
    product = (
        Product.objects.certified_on(today).filter(producer=producer).order_by("pk").first()
        or producer.products.order_by("pk").first()
    )
    if product is None:
        return services.propose(
            account,
            producer,
            values={"introduction": f"{producer.name}: cơ sở sản xuất sản phẩm OCOP ở Cần Thơ."},
            version=producer.version,
        )
    points = services.published_values(product)["points_of_sale"]
    points.append(
        {
            "kind": PointOfSale.Kind.SHOP,
            "name": "Cửa hàng nông sản sạch Cần Thơ",
            "address": "15 Trần Văn Khéo, phường Ninh Kiều, thành phố Cần Thơ",
            "url": "",
            "phone": "0292 3822 789",
        }
    )
    return services.propose(
        account,
        product,
        values={
            "story": (
                f"{product.name} do {producer.name} làm ra từ nguyên liệu của địa phương, "
                "theo cách làm truyền thống của gia đình và được kiểm soát chất lượng ở từng "
                "công đoạn."
            ),
            "points_of_sale": points,
        },
        photos=[services.NewPhoto(_demo_photo(), f"Sản phẩm {product.name}, mặt trước")],
        version=product.version,
    )


def load_public_pages(account=None) -> dict[str, int]:
    """The two published pages, and the account's waiting proposal when an account is given."""
    published = publish_pages()
    change = propose_as(account)
    return {"published": published, "proposals": int(change is not None)}
