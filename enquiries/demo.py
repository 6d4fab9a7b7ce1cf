"""The demo's buyers' enquiries in Cần Thơ, 2026, sent from the public catalogue:

- a hotel of Ninh Kiều asks for dried hủ tiếu for its breakfast buffet; the producer answers
  from its account (``chuthe1``, made by the demo's producer accounts);
- a supermarket chain asks for dried fish, three days before the demo's day: waiting for the
  producer's answer;
- an exporter asks for organic rice; the producer has no account, the officer of Ô Môn
  connected them by phone and closed the enquiry with what came of it.

Every step goes through ``enquiries.services``, as the pages do, then is dated as of its day.
The buyers, the people named and the figures are illustrative. Idempotent: an enquiry is found
again by its form token and nothing is written twice.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.loading import dated
from enquiries import services
from enquiries.models import Enquiry

K = Enquiry.Kind
#: The producer's account that answers the hotel (producer_space.demo makes it).
PRODUCER_ACCOUNT = "chuthe1"


@dataclass(frozen=True)
class DemoEnquiry:
    token: str
    product: str
    organisation: str
    kind: str
    quantity: str
    message: str
    contact_name: str
    phone: str
    email: str
    received: datetime
    #: Answered by the producer's account: (when, text).
    answered: tuple = ()
    #: Closed by a local officer: (when, username, note).
    closed: tuple = ()


ENQUIRIES = [
    DemoEnquiry(
        "demo-2026-ket-noi-1",
        "Hủ tiếu khô Cái Răng Xưa",
        "Khách sạn Bến Ninh Kiều (minh họa)",
        K.HOTEL,
        "200 kg/tháng",
        "Khách sạn ở phường Ninh Kiều muốn dùng hủ tiếu khô Cái Răng cho quầy ăn sáng và bày bán "
        "gói 500 g ở quầy đặc sản cho khách lưu trú; cần hóa đơn giá trị gia tăng, giao hai lần "
        "mỗi tháng. (Yêu cầu minh họa.)",
        "Trần Thị Hồng Nhung, phụ trách mua hàng",
        "0292 3812 345",
        "muahang@khachsanbenninhkieu.example",
        datetime(2026, 10, 14, 9, 30),
        answered=(
            datetime(2026, 10, 15, 14, 0),
            "Hợp tác xã nhận cung cấp 200 kg/tháng, giá sỉ 52.000 đồng/kg, giao tại khách sạn "
            "ngày 1 và 15 hằng tháng, có hóa đơn. Đã gọi điện cho chị Nhung và gửi báo giá qua "
            "thư điện tử; khách sạn nhận 20 kg dùng thử. (Trả lời minh họa.)",
        ),
    ),
    DemoEnquiry(
        "demo-2026-ket-noi-2",
        "Khô cá tra phồng Kim Loan",
        "Chuỗi siêu thị Mê Kông Mart (minh họa)",
        K.RETAIL,
        "1 tấn/quý",
        "Chuỗi 12 siêu thị ở Đồng bằng sông Cửu Long tìm nhà cung cấp khô cá tra phồng đóng gói "
        "500 g có mã truy xuất nguồn gốc, để bày quầy đặc sản OCOP từ tháng 01/2027. Xin báo giá "
        "và hồ sơ công bố chất lượng. (Yêu cầu minh họa.)",
        "Lê Minh Khoa, trưởng ngành hàng thực phẩm khô",
        "0909 456 123",
        "khoa.le@mekongmart.example",
        datetime(2026, 11, 25, 15, 10),
    ),
    DemoEnquiry(
        "demo-2026-ket-noi-3",
        "Gạo hữu cơ Thới An",
        "Công ty TNHH Xuất nhập khẩu Nông sản Tây Đô (minh họa)",
        K.EXPORT,
        "2 container 20 feet/tháng",
        "Công ty xuất khẩu gạo sang Singapore và Hồng Kông, cần nguồn gạo hữu cơ có chứng nhận, "
        "đóng bao 5 kg theo nhãn của nhà nhập khẩu. Đề nghị được gặp chủ thể và xem vùng "
        "nguyên liệu. (Yêu cầu minh họa.)",
        "Nguyễn Hoàng Phúc, giám đốc kinh doanh",
        "",
        "phuc.nguyen@taydoexport.example",
        datetime(2026, 9, 3, 10, 0),
        closed=(
            datetime(2026, 9, 18, 16, 0),
            "omon",
            "Cán bộ phường đã liên hệ qua điện thoại và mời hai bên gặp tại cơ sở ngày 10/09; "
            "doanh nghiệp lấy mẫu kiểm nghiệm, hai bên ký biên bản ghi nhớ cung ứng thử. "
            "(Minh họa.)",
        ),
    ),
]


def _as_of(when: datetime):
    return dated(timezone.make_aware(when), [Enquiry])


@transaction.atomic
def load_enquiries() -> dict[str, int]:
    """The demo's enquiries, answered and closed as their day says; idempotent. Needs the
    registry and the demo accounts loaded first (nothing is written without them)."""
    counts = {"enquiries": 0}
    names = {item.product for item in ENQUIRIES}
    products = {
        product.name: product
        for product in services.catalogue_products().filter(name__in=names, is_illustrative=True)
    }
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[PRODUCER_ACCOUNT, *(item.closed[1] for item in ENQUIRIES if item.closed)]
        )
    }
    for item in ENQUIRIES:
        product = products.get(item.product)
        if product is None or Enquiry.objects.filter(form_token=item.token).exists():
            continue
        needed = [PRODUCER_ACCOUNT] if item.answered else []
        needed += [item.closed[1]] if item.closed else []
        if any(name not in users for name in needed):
            continue  # the demo loaded without its accounts: the services need their people
        with _as_of(item.received):
            enquiry = services.submit(
                product=product,
                organisation=item.organisation,
                kind=item.kind,
                quantity=item.quantity,
                message=item.message,
                contact_name=item.contact_name,
                phone=item.phone,
                email=item.email,
                token=item.token,
            )
        counts["enquiries"] += 1
        if item.answered:
            when, text = item.answered
            with _as_of(when):
                enquiry = services.answer(users[PRODUCER_ACCOUNT], enquiry, text)
        if item.closed:
            when, username, note = item.closed
            with _as_of(when):
                services.close(users[username], enquiry, note)
    return counts
