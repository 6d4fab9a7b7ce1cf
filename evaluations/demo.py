"""The demo's evaluations, behind the registry demo (products/demo.py):

- 2022: three city rounds under 1048/QĐ-TTg whose decisions (1869, 2968 and 3787/QĐ-UBND)
  recognised the 51 products of that year. Each "new" 2022 certificate gets its evaluation, with
  four council members' sheets whose average is the certificate's score (or, where the registry
  has none, a score inside its stars' band); the two products of 90 points or more were
  forwarded to the central council as potential 5★.
- 2023: a city round under 148/QĐ-TTg, closed at the year's end and concluded as such rounds
  were: eight re-ratings recognised in 09–12/2023 (a 3★ by the district of Thốt Nốt, 4★ by the
  city), two dossiers withdrawn by their producers and an upgrade never completed. Each dossier
  holds the producer's papers and self-assessment; everything in it is dated 2023.
- 2026: "Đợt 2/2026" under 26/2026/QĐ-TTg, open, with a dossier at every step of the two-level
  process and work today for every demo account: dossiers received at the communes (two past
  the commune's 15 working days), returned for a missing lab report or after the Tổ tư vấn's
  survey, forwarded, with the Tổ tư vấn, with the council (its secretary `thuky` entering the
  sheets), scored and waiting for the Chairman's decision, recognised, and one of 91 points
  approved and sent to the Ministry. Each is one product of a current commune, scored on the
  real sheet of its product set; among the scored ones a processed fish reaching the 4★ band but
  missing a 4★ minimum (rated 3★).
- 2026, re-rating: the certificates of the 2023 round expire in 09–12/2026, so on the demo's day
  (29/11/2026) each state of ``products.rerating`` shows: re-rated within the window (dossiers
  of August recognised in September), filed within the window and still open, filed late but
  before expiry and kept valid in the grace of Điều 12.3, late with nothing filed, lapsed (and,
  from the registry's re-ratings of 2024, windows open with nothing filed yet). These dossiers
  go through the portal's own services (``services.evaluation_create`` carries the 2023 dossier
  over and sets the grace; the commune's report, forwarding, the province's check, return,
  resubmission, the Tổ tư vấn, the council and the decision), each step dated as of its day.

The demo is anchored on fixed days (the latest step: 25/11/2026); its states move with time.
Council members, the 2026 producers and products and the sheets' choices are illustrative.
Idempotent: rounds, producers, products and evaluations are found by their natural keys and
only what is missing is created; a second run changes nothing.
"""

import random
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from areas.services import DEMO_PROVINCE_CODE
from core import placeholders
from core.loading import dated
from core.text import fold
from evaluations import services
from evaluations.criteria import load_criteria_sets
from evaluations.models import (
    Answer,
    Contribution,
    CouncilMember,
    DocumentRequest,
    DossierDocument,
    Evaluation,
    Level,
    MinimumsRule,
    Round,
    ScoreSheet,
    SelfAssessment,
    Transition,
)
from evaluations.scoring import CriterionInfo, SheetStructure
from products.models import Certificate, Product, ProductCategory
from subjects.models import Producer

Progress = Callable[[int, int], None]
S = Evaluation.Status
A = Transition.Action
SIGNER = "Phó Chủ tịch UBND thành phố Cần Thơ"
#: Demo officer of each former district (as in ocop_portal/demo.py), and the city reviewer.
OFFICERS = {
    "916": "ninhkieu",
    "918": "binhthuy",
    "919": "cairang",
    "917": "omon",
    "923": "thotnot",
    "926": "phongdien",
    "925": "codo",
    "927": "thoilai",
    "924": "vinhthanh",
}
REVIEWER = "city"

COUNCIL_2022 = [
    ("Trần Minh Tâm", CouncilMember.Role.CHAIR, "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Lê Thị Hồng Nhung", CouncilMember.Role.VICE_CHAIR, "Sở Công Thương"),
    ("Phạm Quốc Bảo", CouncilMember.Role.MEMBER, "Sở Khoa học và Công nghệ"),
    ("Nguyễn Thị Thu Trang", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]
COUNCIL_2023 = [
    ("Võ Thanh Sơn", CouncilMember.Role.CHAIR, "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Đặng Thị Mỹ Linh", CouncilMember.Role.MEMBER, "Sở Y tế"),
    ("Huỳnh Văn Phúc", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]


@dataclass(frozen=True)
class RoundSpec:
    year: int
    number: int
    opens_on: date
    closes_on: date | None
    council: list
    decision_number: str = ""
    decision_date: date | None = None
    note: str = ""
    #: An extra round (đợt bổ sung) sets its own cut-offs.
    is_extra: bool = False
    forward_by: date | None = None
    decide_by: date | None = None


ROUNDS_2022 = [
    RoundSpec(
        2022,
        1,
        date(2022, 4, 4),
        date(2022, 6, 30),
        COUNCIL_2022,
        "1869/QĐ-UBND",
        date(2022, 7, 15),
    ),
    RoundSpec(
        2022,
        2,
        date(2022, 7, 18),
        date(2022, 9, 23),
        COUNCIL_2022,
        "2968/QĐ-UBND",
        date(2022, 10, 7),
    ),
    RoundSpec(
        2022,
        3,
        date(2022, 9, 26),
        date(2022, 10, 28),
        COUNCIL_2022,
        "3787/QĐ-UBND",
        date(2022, 11, 8),
    ),
]
ROUND_2023 = RoundSpec(
    2023,
    1,
    date(2023, 3, 15),
    date(2023, 12, 29),
    COUNCIL_2023,
    note="Đợt trình diễn năm 2023: mọi hồ sơ đã kết thúc trước khi đợt đóng (được công nhận, "
    "chủ thể rút hồ sơ hoặc không bổ sung hồ sơ).",
)
COUNCIL_2026 = [
    ("Trần Văn Hậu", CouncilMember.Role.CHAIR, "Ủy ban nhân dân thành phố Cần Thơ"),
    ("Lê Thị Ngọc Hân", CouncilMember.Role.VICE_CHAIR, "Sở Nông nghiệp và Môi trường"),
    ("Nguyễn Hoàng Phúc", CouncilMember.Role.MEMBER, "Sở Công Thương"),
    ("Võ Thị Kim Chi", CouncilMember.Role.MEMBER, "Sở Y tế"),
    ("Đặng Minh Trí", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]
#: Under 26/2026 a second round decides by 30/12 the dossiers the communes forwarded by 30/10.
ROUND_2026 = RoundSpec(
    2026,
    2,
    date(2026, 8, 3),
    None,
    COUNCIL_2026,
    note="Đợt 2/2026 theo Quyết định 26/2026/QĐ-TTg: hồ sơ cấp xã gửi trước 30/10, quyết định "
    "trước 30/12. Đợt trình diễn còn mở để các tài khoản demo thử quy trình.",
)
#: The dossiers the communes received after the second round's cut-off: an extra round.
ROUND_2026_EXTRA = RoundSpec(
    2026,
    3,
    date(2026, 11, 2),
    None,
    COUNCIL_2026,
    note="Đợt bổ sung 2026 cho các hồ sơ cấp xã tiếp nhận sau hạn của Đợt 2: xã gửi lên trước "
    "18/12, quyết định trước 31/12.",
    is_extra=True,
    forward_by=date(2026, 12, 18),
    decide_by=date(2026, 12, 31),
)


@dataclass(frozen=True)
class Planned:
    """A 2026 evaluation of a new product: the product, its kind, where it stands and the
    score aimed at."""

    product: str
    kind: str
    status: str
    target: Decimal
    filled: float = 1.0  # share of criteria answered on the sheets
    comment: str = ""
    #: 2026: the new product, its producer and where (a commune taken over from this former
    #: district), its product set in Phụ lục I, and criteria scored at given points.
    producer: str = ""
    representative: str = ""
    producer_kind: str = ""
    district: str = ""
    category: str = ""
    fixed: tuple[tuple[str, int], ...] = ()
    #: 2026: the day the commune received the dossier (Mẫu 01).
    filed: date | None = None


@dataclass(frozen=True)
class Concluded:
    """A dossier of the 2023 round as it ended: the product, its kind, the score its sheets
    reach and the share of them filled; sent for review on `submitted` (and returned with
    `returned`), then recognised by decision `decision` on `on`, or excluded on `on` with
    `comment` (the producer withdrew, or never completed what was asked)."""

    product: str
    kind: str
    target: Decimal
    outcome: str
    on: date
    decision: str = ""
    submitted: date | None = None
    returned: str = ""
    comment: str = ""
    filled: float = 1.0


#: The 2023 round (148/QĐ-TTg), concluded as such dossiers were: recognised at the year's end
#: (3★ by the district, 4★ by the city), or closed when the producer withdrew or never sent
#: what was asked. The certificates of 09–12/2023 expire in 09–12/2026: re-rated now under
#: 26/2026/QĐ-TTg (``RENEWALS_2026``), in every state of ``products.rerating``.
PLANNED_2023 = [
    # Window closed in August, not expired: late, nothing filed.
    Concluded(
        "Trà mãng cầu Kim Nhiên",
        "renewal",
        Decimal("81"),
        S.RECOGNISED,
        date(2023, 12, 15),
        "3622/QĐ-UBND",
        submitted=date(2023, 11, 24),
    ),
    Concluded(
        "Mứt mãng cầu Thới Hưng",
        "renewal",
        Decimal("60"),
        S.DISQUALIFIED,
        date(2023, 6, 12),
        comment="Chủ thể có đơn rút hồ sơ đánh giá lại: cơ sở tạm ngừng sản xuất mứt mãng cầu "
        "(minh họa).",
        filled=0,
    ),
    Concluded(
        "Nem chua Ngọc Hân",
        "upgrade",
        Decimal("74"),
        S.DISQUALIFIED,
        date(2023, 12, 20),
        submitted=date(2023, 4, 10),
        returned="Bổ sung giấy chứng nhận đăng ký nhãn hiệu (tiêu chí A2.5) và phiếu kiểm "
        "nghiệm còn hiệu lực (C3.2) rồi gửi lại.",
        comment="Đợt đánh giá kết thúc mà chủ thể không bổ sung giấy chứng nhận đăng ký nhãn "
        "hiệu và phiếu kiểm nghiệm đã yêu cầu ngày 18/04/2023: hồ sơ nâng hạng không được xem "
        "xét tiếp.",
    ),
    # Expired 21/09/2026, filed late on 10/09: kept valid while re-rated.
    Concluded(
        "Bánh tráng nem Thu Ba",
        "renewal",
        Decimal("62"),
        S.RECOGNISED,
        date(2023, 9, 22),
        "1245/QĐ-UBND",
        submitted=date(2023, 4, 10),
    ),
    # Expired 05/10/2026 with nothing filed: lapsed.
    Concluded(
        "Rượu nếp than Sáu Hưng",
        "renewal",
        Decimal("76"),
        S.RECOGNISED,
        date(2023, 10, 6),
        "2718/QĐ-UBND",
        submitted=date(2023, 4, 10),
    ),
    # Re-rated within the window in 2026.
    Concluded(
        "Bánh phồng gạo lứt Sông Hậu",
        "renewal",
        Decimal("73"),
        S.RECOGNISED,
        date(2023, 12, 15),
        "3622/QĐ-UBND",
        submitted=date(2023, 11, 27),
    ),
    # Filed within the window in 2026, not decided yet.
    Concluded(
        "Bánh tét lá cẩm Mỹ Lệ",
        "renewal",
        Decimal("75"),
        S.RECOGNISED,
        date(2023, 12, 15),
        "3622/QĐ-UBND",
        submitted=date(2023, 11, 27),
    ),
    # Expired 09/11/2026, filed late in October: kept valid while re-rated.
    Concluded(
        "Xoài sấy dẻo Lạc Phước",
        "renewal",
        Decimal("72"),
        S.RECOGNISED,
        date(2023, 11, 10),
        "3104/QĐ-UBND",
        submitted=date(2023, 10, 23),
    ),
    Concluded(
        "Chôm chôm Java Mỹ Khánh",
        "renewal",
        Decimal("71"),
        S.DISQUALIFIED,
        date(2023, 11, 20),
        comment="Chủ thể có văn bản rút hồ sơ đánh giá lại: vườn chôm chôm Java đã chuyển sang "
        "trồng sầu riêng, không còn đủ sản lượng (minh họa).",
        filled=0,
    ),
    # Re-rated within the window in 2026.
    Concluded(
        "Khô cá lóc một nắng Mười Đông Bình",
        "renewal",
        Decimal("78"),
        S.RECOGNISED,
        date(2023, 12, 15),
        "3622/QĐ-UBND",
        submitted=date(2023, 11, 24),
    ),
    # Filed within the window in 2026, not decided yet.
    Concluded(
        "Gạo Nàng Hoa Thạnh Lợi",
        "renewal",
        Decimal("77"),
        S.RECOGNISED,
        date(2023, 12, 15),
        "3622/QĐ-UBND",
        submitted=date(2023, 11, 28),
    ),
]


#: 2026, under 26/2026/QĐ-TTg: a dossier at every step, and work today for every demo account —
#: each commune officer a dossier to pre-assess (two of them late) or to complete, `city` the
#: dossiers to check, review, decide and follow at the Ministry, `thuky` the council's sheets.
PLANNED_2026 = [
    Planned(
        "Dâu Hạ Châu Mỹ Khánh",
        "new",
        S.SCORED,
        Decimal("78"),
        producer="Hợp tác xã dâu Hạ Châu Mỹ Khánh",
        representative="Nguyễn Văn Sáu",
        producer_kind="htx",
        district="926",
        category="I.1.a",
        filed=date(2026, 8, 17),
    ),
    Planned(
        "Chả cá thát lát Cái Răng",
        "new",
        S.SCORED,
        Decimal("76"),
        producer="Công ty TNHH Thủy sản Cái Răng Xanh",
        representative="Phạm Thị Thu Hương",
        producer_kind="dn",
        district="919",
        category="I.3.d",
        # Labelled as required but without the electronic traceability code: 4★ band, 3★.
        fixed=(("2.3", 1),),
        filed=date(2026, 8, 17),
    ),
    Planned(
        "Gạo thơm Thới An",
        "new",
        S.RETURNED,
        Decimal("72"),
        filled=0,
        comment="Hồ sơ thiếu phiếu kết quả kiểm nghiệm các chỉ tiêu chất lượng theo tiêu chuẩn "
        "công bố: đề nghị xã hướng dẫn chủ thể bổ sung rồi gửi lại.",
        producer="Hợp tác xã nông nghiệp Thới An Xanh",
        representative="Lê Văn Thành",
        producer_kind="htx",
        district="917",
        category="I.2.a",
        filed=date(2026, 9, 28),
    ),
    Planned(
        "Nước mắm cá linh Long Tuyền",
        "new",
        S.RECEIVED,
        Decimal("71"),
        filled=0,
        producer="Hộ kinh doanh Huỳnh Văn Tới",
        representative="Huỳnh Văn Tới",
        producer_kind="ho",
        district="918",
        category="I.4.a",
        filed=date(2026, 11, 20),
    ),
    Planned(
        "Trà bông sen Ninh Kiều",
        "new",
        S.RECEIVED,
        Decimal("74"),
        filled=0,
        producer="Công ty TNHH Trà Sen Tây Đô",
        representative="Trần Ngọc Diễm",
        producer_kind="dn",
        district="916",
        category="I.5.b",
        # Received in October: the commune's 15 working days are over.
        filed=date(2026, 10, 5),
    ),
    Planned(
        "Khô cá tra phồng Thốt Nốt",
        "new",
        S.RECEIVED,
        Decimal("68"),
        filled=0,
        producer="Hộ kinh doanh Trần Thị Mỹ Duyên",
        representative="Trần Thị Mỹ Duyên",
        producer_kind="ho",
        district="923",
        category="I.3.d",
        filed=date(2026, 11, 16),
    ),
    Planned(
        "Bưởi năm roi Thới Lai",
        "new",
        S.RECEIVED,
        Decimal("73"),
        filled=0,
        producer="Tổ hợp tác bưởi Thới Lai",
        representative="Võ Văn Bảy",
        producer_kind="tht",
        district="927",
        category="I.1.a",
        filed=date(2026, 11, 24),
    ),
    Planned(
        "Mật ong hoa tràm Cờ Đỏ",
        "new",
        S.RECEIVED,
        Decimal("66"),
        filled=0,
        producer="Hộ kinh doanh Lâm Thị Ngọc",
        representative="Lâm Thị Ngọc",
        producer_kind="ho",
        district="925",
        category="I.2.b",
        # Received at the end of October: late by the day of the demo.
        filed=date(2026, 10, 26),
    ),
    Planned(
        "Hủ tiếu sợi khô Cái Răng",
        "new",
        S.RETURNED,
        Decimal("70"),
        filled=0,
        comment="Tổ tư vấn khảo sát ngày 12/11: cơ sở chưa có hồ sơ truy xuất nguồn gốc lô bột "
        "gạo; đề nghị bổ sung hợp đồng mua nguyên liệu và sổ ghi chép sản xuất.",
        producer="Công ty TNHH Thủy sản Cái Răng Xanh",
        representative="Phạm Thị Thu Hương",
        producer_kind="dn",
        district="919",
        category="I.3.b",
        filed=date(2026, 9, 14),
    ),
    Planned(
        "Vú sữa Lò Rèn Mỹ Khánh",
        "new",
        S.RECEIVED,
        Decimal("69"),
        filled=0,
        producer="Hợp tác xã dâu Hạ Châu Mỹ Khánh",
        representative="Nguyễn Văn Sáu",
        producer_kind="htx",
        district="926",
        category="I.1.a",
        filed=date(2026, 11, 18),
    ),
    Planned(
        "Bánh phồng gạo Thạnh An",
        "new",
        S.RECEIVED,
        Decimal("62"),
        filled=0,
        producer="Cơ sở bánh phồng Út Thạnh An",
        representative="Đoàn Văn Út",
        producer_kind="ho",
        district="924",
        category="I.3.b",
        filed=date(2026, 11, 25),
    ),
    Planned(
        "Mắm cá lóc Thốt Nốt",
        "new",
        S.FORWARDED,
        Decimal("71"),
        filled=0,
        producer="Hộ kinh doanh Trần Thị Mỹ Duyên",
        representative="Trần Thị Mỹ Duyên",
        producer_kind="ho",
        district="923",
        category="I.4.a",
        filed=date(2026, 10, 12),
    ),
    Planned(
        "Gạo ST25 Thạnh An",
        "new",
        S.ADVISORY,
        Decimal("77"),
        filled=0,
        producer="Cơ sở bánh phồng Út Thạnh An",
        representative="Đoàn Văn Út",
        producer_kind="ho",
        district="924",
        category="I.2.a",
        filed=date(2026, 9, 21),
    ),
    Planned(
        "Trà mãng cầu Trường Long",
        "new",
        S.COUNCIL,
        Decimal("75"),
        filled=0.6,
        producer="Hợp tác xã mãng cầu Trường Long",
        representative="Nguyễn Thị Mai",
        producer_kind="htx",
        district="926",
        category="I.5.b",
        filed=date(2026, 9, 7),
    ),
    Planned(
        "Mật ong hoa xoài Cờ Đỏ",
        "new",
        S.RECOGNISED,
        Decimal("72"),
        producer="Hộ kinh doanh Lâm Thị Ngọc",
        representative="Lâm Thị Ngọc",
        producer_kind="ho",
        district="925",
        category="I.2.b",
        filed=date(2026, 8, 24),
    ),
    Planned(
        "Bưởi da xanh Phong Điền",
        "new",
        S.MINISTRY,
        Decimal("91"),
        producer="Hợp tác xã dâu Hạ Châu Mỹ Khánh",
        representative="Nguyễn Văn Sáu",
        producer_kind="htx",
        district="926",
        category="I.1.a",
        filed=date(2026, 8, 10),
    ),
]


@dataclass(frozen=True)
class Renewal:
    """A re-rating dossier of 2026 (26/2026/QĐ-TTg) of a certificate the 2023 round issued:
    received at the commune on `filed`, then each step on its day (None: not reached yet).
    `commune` took over the producer's former district: the new certificate's area."""

    product: str
    commune: str
    target: Decimal
    filed: date
    forwarded: date | None = None
    returned: date | None = None
    return_comment: str = ""
    asked: tuple[str, ...] = ()
    resubmitted: date | None = None
    accepted: date | None = None
    surveyed: date | None = None
    council: date | None = None
    filled: float = 1.0
    scored: date | None = None
    decided: date | None = None
    decision: str = ""


#: The re-rating dossiers of 2026, in "Đợt 2/2026", of the certificates of 12/2023 (window
#: 180–120 days before expiry: about 17/06–16/08/2026) and of 10–11/2023 (window closed in
#: June–July: filed late but before expiry, the certificate is kept valid while re-rated).
RENEWALS_2026 = [
    # Filed within the window, re-rated in September.
    Renewal(
        "Bánh phồng gạo lứt Sông Hậu",
        "31168",
        Decimal("79"),
        date(2026, 8, 5),
        forwarded=date(2026, 8, 19),
        accepted=date(2026, 8, 24),
        surveyed=date(2026, 9, 3),
        council=date(2026, 9, 7),
        scored=date(2026, 9, 21),
        decided=date(2026, 9, 29),
        decision="2874/QĐ-UBND",
    ),
    Renewal(
        "Khô cá lóc một nắng Mười Đông Bình",
        "31282",
        Decimal("80"),
        date(2026, 8, 6),
        forwarded=date(2026, 8, 20),
        accepted=date(2026, 8, 24),
        surveyed=date(2026, 9, 4),
        council=date(2026, 9, 7),
        scored=date(2026, 9, 21),
        decided=date(2026, 9, 29),
        decision="2874/QĐ-UBND",
    ),
    # Filed within the window; returned for this year's lab reports, scored, to be decided
    # within 45 days of 28/10.
    Renewal(
        "Gạo Nàng Hoa Thạnh Lợi",
        "31231",
        Decimal("77"),
        date(2026, 8, 12),
        forwarded=date(2026, 8, 28),
        returned=date(2026, 9, 3),
        return_comment="Các phiếu kiểm nghiệm định kỳ đã nộp là của năm 2024: đề nghị xã hướng dẫn "
        "chủ thể bổ sung phiếu kiểm nghiệm năm 2026 rồi gửi lại.",
        asked=("kiem-nghiem-dinh-ky",),
        resubmitted=date(2026, 10, 26),
        accepted=date(2026, 10, 28),
        surveyed=date(2026, 11, 9),
        council=date(2026, 11, 12),
        scored=date(2026, 11, 20),
    ),
    # Filed within the window; with the council.
    Renewal(
        "Bánh tét lá cẩm Mỹ Lệ",
        "31186",
        Decimal("75"),
        date(2026, 8, 14),
        forwarded=date(2026, 9, 4),
        accepted=date(2026, 10, 19),
        surveyed=date(2026, 11, 5),
        council=date(2026, 11, 16),
        filled=0.6,
    ),
    # Expired 21/09/2026, filed late on 10/09: kept valid until the result (at most 180 days).
    Renewal(
        "Bánh tráng nem Thu Ba",
        "31207",
        Decimal("64"),
        date(2026, 9, 10),
        forwarded=date(2026, 9, 29),
        returned=date(2026, 10, 6),
        return_comment="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đã hết hạn: đề nghị "
        "bổ sung giấy còn hiệu lực rồi gửi lại.",
        asked=("giay-to-co-thoi-han",),
        resubmitted=date(2026, 11, 16),
        accepted=date(2026, 11, 18),
        filled=0,
    ),
    # Expired 09/11/2026, filed late on 20/10: kept valid until the result.
    Renewal(
        "Xoài sấy dẻo Lạc Phước",
        "31153",
        Decimal("72"),
        date(2026, 10, 20),
        forwarded=date(2026, 10, 29),
        filled=0,
    ),
]


#: The commune's report (Mẫu 03) of every 2026 dossier it forwarded: illustrative.
COMMUNE_REPORT = {
    "local_materials": "Nguyên liệu trồng, nuôi trên địa bàn xã; chủ thể có hợp đồng liên kết "
    "với các hộ trong xã.",
    "local_labour": "Sử dụng lao động thường xuyên là người địa phương.",
    "idea_origin": "Sản phẩm phát triển từ nghề truyền thống của địa phương.",
    "local_identity": "Gắn với giống, kinh nghiệm sản xuất và điều kiện sinh thái của vùng "
    "đồng bằng sông Cửu Long.",
}
ADVISORY_FINDINGS = (
    "Tổ tư vấn khảo sát cơ sở sản xuất: điều kiện sản xuất, nhãn và hồ sơ công bố chất lượng "
    "đúng như hồ sơ."
)
SECRETARY = "thuky"
#: Where each 2026 dossier has got to, in the order of the steps (26/2026/QĐ-TTg Điều 7).
STEPS_2026 = [S.FORWARDED, S.ADVISORY, S.COUNCIL, S.SCORED]


# --- Choosing the options of a sheet ---------------------------------------------------------


def _cents(value: Decimal) -> int:
    return int(value * 100)


def plan_sheet(
    structure: SheetStructure,
    total: Decimal,
    stars: int,
    rng: random.Random,
    fixed: Mapping[str, Decimal | int] | None = None,
) -> dict[int, int]:
    """Options adding up to exactly `total` points, with no knock-out and every minimum of the
    levels up to `stars` met (a product with a story: every criterion is scored), but for the
    criteria `fixed` at given points ({code: points}); choices lean towards the sheet's
    overall level."""
    fixed = fixed or {}
    criteria: list[CriterionInfo] = list(structure.criteria.values())
    allowed = []
    for criterion in criteria:
        floor = max(
            (need for level, need in criterion.min_points.items() if level <= stars),
            default=Decimal(0),
        )
        options = [
            option
            for option in criterion.options
            if not option.is_eliminating
            and (
                option.points == Decimal(fixed[criterion.code])
                if criterion.code in fixed
                else option.points >= floor and not (criterion.tells_story and option.points == 0)
            )
        ]
        allowed.append(options)
    # reachable[i]: the totals (in hundredths) the criteria from i on can still add up to.
    reachable = [set() for _ in range(len(criteria) + 1)]
    reachable[-1] = {0}
    for index in range(len(criteria) - 1, -1, -1):
        reachable[index] = {
            rest + _cents(option.points)
            for option in allowed[index]
            for rest in reachable[index + 1]
        }
    remaining = _cents(total)
    if remaining not in reachable[0]:
        raise ValueError(f"Không chọn được phiếu đạt đúng {total} điểm.")
    level = float(total) / float(structure.max_total)
    chosen = {}
    for index, criterion in enumerate(criteria):
        fitting = [
            option
            for option in allowed[index]
            if remaining - _cents(option.points) in reachable[index + 1]
        ]
        top = float(criterion.max_points) or 1.0
        fitting.sort(key=lambda option: abs(float(option.points) / top - level))
        option = rng.choice(fitting[:2])
        chosen[criterion.id] = option.id
        remaining -= _cents(option.points)
    return chosen


def member_totals(score: Decimal, members: int, seed: str) -> list[Decimal]:
    """Whole-point totals of `members` members averaging exactly `score` (score × members must
    be whole), spread a little around it."""
    rng = random.Random(zlib.crc32(seed.encode()))
    whole = score * members
    if whole != whole.to_integral_value():
        raise ValueError(f"{score} × {members} không phải số nguyên.")
    base = int(whole) // members
    totals = [base] * members
    for index in range(int(whole) - base * members):
        totals[index] += 1
    for _ in range(members):
        i, j = rng.sample(range(members), 2)
        shift = rng.randint(0, 2)
        totals[i] += shift
        totals[j] -= shift
    return [Decimal(total) for total in totals]


def score_for(stars: int, seed: str) -> Decimal:
    """A score inside the band of a certificate whose score the registry does not give."""
    low, high = {3: (52, 68), 4: (71, 87)}[stars]
    rng = random.Random(zlib.crc32(seed.encode()))
    return Decimal(rng.randint(low * 4, high * 4)) / 4


# --- Writing -----------------------------------------------------------------------------------


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _backdate(instance, when: datetime) -> None:
    """Date a demo record and its history as of when it happened, not when the demo ran."""
    model = type(instance)
    fields = {
        name: when
        for name in ("created_at", "updated_at")
        if any(field.name == name for field in model._meta.fields)
    }
    model.objects.filter(pk=instance.pk).update(**fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    if hasattr(model, "history"):
        model.history.filter(id=instance.pk).update(history_date=when)


def _ensure_round(spec: RoundSpec, province: Area) -> tuple[Round, bool]:
    round_ = Round.objects.filter(area=province, year=spec.year, number=spec.number).first()
    if round_ is not None:
        if (round_.closes_on, round_.note) != (spec.closes_on, spec.note):
            # A demo loaded before the 2023 round was closed: close it as the data says.
            Round.objects.filter(pk=round_.pk).update(closes_on=spec.closes_on, note=spec.note)
            round_.refresh_from_db()
        return round_, False
    round_ = Round(
        year=spec.year,
        number=spec.number,
        level=Round.RoundLevel.CITY,
        area=province,
        opens_on=spec.opens_on,
        closes_on=spec.closes_on,
        note=spec.note,
        is_illustrative=True,
        is_extra=spec.is_extra,
        forward_by=spec.forward_by,
        decide_by=spec.decide_by,
    )
    round_.full_clean()
    round_.save()
    for order, (name, role, organisation) in enumerate(spec.council):
        member = CouncilMember(
            round=round_, name=name, role=role, organisation=organisation, order=order
        )
        member.full_clean()
        member.save()
    _backdate(round_, _at(spec.opens_on - timedelta(days=14)))
    return round_, True


class _Builder:
    """Creates one evaluation with its sheets, result and backdated steps."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.structures: dict[int, SheetStructure] = {}

    def structure(self, criteria_set) -> SheetStructure:
        if criteria_set.pk not in self.structures:
            self.structures[criteria_set.pk] = SheetStructure.load(criteria_set)
        return self.structures[criteria_set.pk]

    def officer(self, product: Product) -> User | None:
        """The demo officer of the product's former district."""
        area = product.producer.area
        district = area if area.level == Area.Level.DISTRICT else area.parent
        return self.users.get(OFFICERS.get(district.code if district else "", ""))

    def create(
        self,
        *,
        round_: Round,
        product: Product,
        kind: str,
        score: Decimal,
        stars: int,
        filled: float,
        previous: Certificate | None,
        created: date,
        fixed: Mapping[str, int] | None = None,
        officer: User | None = None,
        entered_by: User | None = None,
    ) -> Evaluation:
        """Under 26/2026 the commune receives the dossier (on `created`) and the province's
        council's secretary (`entered_by`) enters the sheets; before, the local officer."""
        basis = round_.legal_basis()
        criteria_set = round_.criteria_set(product)
        officer = officer or self.officer(product)
        two_level = basis.is_two_level
        entered_by = entered_by or officer
        evaluation = Evaluation(
            round=round_,
            product=product,
            kind=kind,
            criteria_set=criteria_set,
            status=S.RECEIVED if two_level else S.DRAFT,
            filed_on=created if two_level else None,
            samples=5 if two_level else 0,
            previous_certificate=previous,
            created_by=officer,
            created_at=_at(created, 8),
            # Before 26/2026 the portal read a minimum on every member's sheet.
            minimums_rule=(
                MinimumsRule.MEDIAN if basis.product_code_format else MinimumsRule.LOWEST
            ),
        )
        services.assign_number(evaluation, basis)
        evaluation.full_clean()
        evaluation.save()
        for member in round_.members.all():
            ScoreSheet.objects.create(evaluation=evaluation, member=member)
        self.fill(
            evaluation,
            score=score,
            stars=stars,
            filled=filled,
            fixed=fixed,
            entered_by=entered_by,
            on=_at(created + timedelta(days=3), 16),
        )
        if two_level:
            self.step(evaluation, A.RECEIVE, "", S.RECEIVED, officer, created, hour=8)
        else:
            self.step(evaluation, A.CREATE, "", S.DRAFT, officer, created, hour=8)
        hands = [(officer, Contribution.Kind.FILED)]
        if filled and entered_by:
            hands.append((entered_by, Contribution.Kind.SHEET))
        for user, kind in hands:
            if user is not None:
                Contribution.objects.get_or_create(
                    evaluation=evaluation, user=user, kind=kind, defaults={"at": _at(created)}
                )
        _backdate(evaluation, _at(created + timedelta(days=3), 16))
        return evaluation

    def fill(
        self,
        evaluation: Evaluation,
        *,
        score: Decimal,
        stars: int,
        filled: float,
        entered_by: User | None,
        on: datetime,
        fixed: Mapping[str, int] | None = None,
    ) -> None:
        """The members' sheets of the evaluation, entered as of `on`: whole-point totals
        averaging `score` in the band of `stars`, each sheet answered for the share `filled`
        of its criteria; then the evaluation's result."""
        structure = self.structure(evaluation.criteria_set)
        sheets = list(
            evaluation.sheets.filter(is_council=False)
            .select_related("member")
            .order_by("member__order", "member__pk")
        )
        seed = f"{evaluation.round.year}-{evaluation.product.name}"
        totals = member_totals(score, len(sheets), seed)
        answers = []
        for sheet, total in zip(sheets, totals, strict=True):
            rng = random.Random(zlib.crc32(f"{seed}-{sheet.member.name}".encode()))
            chosen = plan_sheet(structure, total, stars, rng, fixed)
            keep = round(len(chosen) * filled)
            chosen = dict(list(chosen.items())[:keep])
            result = structure.sheet_result(chosen)
            ScoreSheet.objects.filter(pk=sheet.pk).update(
                total=result.total,
                answered=result.answered,
                is_complete=result.complete,
                updated_by=entered_by if filled else None,
                updated_at=on,
            )
            answers += [
                Answer(sheet=sheet, criterion_id=criterion_id, option_id=option_id)
                for criterion_id, option_id in chosen.items()
            ]
        Answer.objects.bulk_create(answers)
        services.refresh_result(evaluation, structure)

    def step(self, evaluation, action, source, target, by, day, *, hour=9, **values):
        step = Transition(
            evaluation=evaluation,
            action=action,
            from_status=source,
            to_status=target,
            by=by,
            at=_at(day, hour),
            **values,
        )
        step.full_clean()
        step.save()
        if evaluation.status != target:
            Evaluation.objects.filter(pk=evaluation.pk).update(status=target)
            evaluation.status = target
        if step.at > evaluation.updated_at:
            Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=step.at)
            evaluation.updated_at = step.at


def _load_2022(builder: _Builder, province: Area, progress, counts) -> None:
    rounds = {}
    for spec in ROUNDS_2022:
        round_, created = _ensure_round(spec, province)
        counts["rounds"] += created
        rounds[spec.decision_number] = (spec, round_)
    certificates = (
        Certificate.objects.filter(
            decision_number__in=rounds.keys(),
            decision_date__year=2022,
            kind=Certificate.Kind.NEW,
        )
        .select_related("product__producer__area__parent", "area")
        .order_by("decision_date", "product__search_name")
    )
    linked = set(
        Evaluation.objects.filter(certificate__in=certificates).values_list(
            "certificate_id", flat=True
        )
    )
    reviewer = builder.users.get(REVIEWER)
    total = len(certificates)
    for done, certificate in enumerate(certificates, start=1):
        if certificate.pk not in linked:
            spec, round_ = rounds[certificate.decision_number]
            _evaluation_2022(builder, spec, round_, certificate, reviewer)
            counts["evaluations"] += 1
        if progress and (done % 10 == 0 or done == total):
            progress(done, total)


def _evaluation_2022(builder, spec: RoundSpec, round_: Round, certificate, reviewer) -> None:
    product = certificate.product
    score = certificate.score
    if score is None:
        score = score_for(certificate.stars, f"{product.name}-{certificate.decision_number}")
    stars = 5 if score >= 90 else certificate.stars
    evaluation = builder.create(
        round_=round_,
        product=product,
        kind=Certificate.Kind.NEW,
        score=score,
        stars=stars,
        filled=1,
        previous=None,
        created=spec.opens_on + timedelta(days=7),
    )
    if evaluation.score != score or (
        round_.criteria_set().certifiable_stars(evaluation.stars) != certificate.stars
    ):
        raise ValueError(f"{product}: phiếu chấm không khớp giấy chứng nhận {certificate}.")
    officer = evaluation.created_by
    builder.step(
        evaluation, A.SUBMIT, S.DRAFT, S.SUBMITTED, officer, spec.closes_on - timedelta(days=5)
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        certificate=certificate,
        decision_number=certificate.decision_number,
        decision_date=certificate.decision_date,
        signer=SIGNER,
        recognised_level=certificate.level,
        recognised_stars=certificate.stars,
    )
    builder.step(
        evaluation,
        A.RECOGNISE,
        S.SUBMITTED,
        S.RECOGNISED,
        reviewer,
        certificate.decision_date,
        hour=15,
        decision_number=certificate.decision_number,
        decision_date=certificate.decision_date,
        signer=SIGNER,
    )
    if certificate.is_potential_five_star:
        builder.step(
            evaluation,
            A.PROPOSE_CENTRAL,
            S.RECOGNISED,
            S.PROPOSED_CENTRAL,
            reviewer,
            certificate.decision_date + timedelta(days=14),
            comment="Đạt từ 90 điểm: đề nghị Bộ Nông nghiệp và Phát triển nông thôn đánh giá, "
            "công nhận sản phẩm OCOP 5 sao.",
        )


def _as_of(when: datetime):
    """The rows the services write inside the block (a step, its history, its documents, a
    certificate), dated as of `when`: the demo replays past steps through the services, which
    stamp each write with the present time."""
    return dated(when, STAMPED)


#: The day the 2023 dossiers were opened.
OPENED_2023 = date(2023, 3, 20)


def _load_2023(builder: _Builder, province: Area, counts) -> None:
    round_, created = _ensure_round(ROUND_2023, province)
    counts["rounds"] += created
    names = [planned.product for planned in PLANNED_2023]
    products = {
        product.name: product
        for product in Product.objects.filter(name__in=names).select_related(
            "producer__area__parent"
        )
    }
    existing = {e.product.name: e for e in round_.evaluations.select_related("product")}
    reviewer = builder.users.get(REVIEWER)
    criteria_set = round_.criteria_set()
    for planned in PLANNED_2023:
        product = products.get(planned.product)
        if product is None:
            raise ValueError(f"Chưa nạp sản phẩm “{planned.product}” (chạy load_registry trước).")
        evaluation = existing.get(planned.product)
        if evaluation is None:
            previous = (
                product.certificates.filter(decision_date__lt=OPENED_2023)
                .order_by("-decision_date", "-pk")
                .first()
            )
            evaluation = builder.create(
                round_=round_,
                product=product,
                kind=planned.kind,
                score=planned.target,
                stars=criteria_set.stars_for(planned.target),
                filled=planned.filled,
                previous=previous,
                created=OPENED_2023,
            )
            counts["evaluations"] += 1
        elif evaluation.status not in Evaluation.OPEN_STATUSES:
            continue
        # A demo loaded before the round was concluded has its dossiers open: they are
        # concluded from where they stand.
        _conclude_2023(builder, evaluation, planned, reviewer)


def _conclude_2023(builder, evaluation, planned: Concluded, reviewer) -> None:
    """Each step of the dossier's end from where it stands: its papers, its sheets complete
    for a recognition, sent, returned, then recognised or closed."""
    if not evaluation.documents.exists():
        _file_2023(builder, evaluation, planned, OPENED_2023)
    if planned.outcome == S.RECOGNISED and not evaluation.sheets_complete:
        entered = _at(planned.submitted - timedelta(days=3), 16)
        with _as_of(entered):
            Answer.objects.filter(sheet__evaluation=evaluation).delete()
            builder.fill(
                evaluation,
                score=planned.target,
                stars=evaluation.criteria_set.stars_for(planned.target),
                filled=1,
                entered_by=evaluation.created_by,
                on=entered,
            )
    officer = evaluation.created_by
    if planned.submitted and evaluation.status == S.DRAFT:
        builder.step(evaluation, A.SUBMIT, S.DRAFT, S.SUBMITTED, officer, planned.submitted)
    if planned.returned and evaluation.status == S.SUBMITTED:
        builder.step(
            evaluation,
            A.RETURN,
            S.SUBMITTED,
            S.RETURNED,
            reviewer,
            date(2023, 4, 18),
            comment=planned.returned,
        )
    if planned.outcome == S.DISQUALIFIED:
        builder.step(
            evaluation,
            A.DISQUALIFY,
            evaluation.status,
            S.DISQUALIFIED,
            reviewer,
            planned.on,
            hour=14,
            comment=planned.comment,
        )
    else:
        _recognise_2023(builder, evaluation, planned, reviewer)


#: The producer's papers of a 2023 dossier recognised (placeholders), by checklist code; a
#: dossier that went no further holds its registration only.
DOCUMENTS_2023 = ("phieu-dang-ky", "bao-cao-tu-danh-gia", "cong-bo-chat-luong", "phieu-kiem-nghiem")


def _file_2023(builder, evaluation, planned: Concluded, day: date) -> None:
    """The producer's dossier under 148/QĐ-TTg: the self-assessment on the sheet and the
    papers, handed in when the dossier was opened. They are what a re-rating dossier of 2026
    starts from (``evaluations.carried``)."""
    from evaluations import documents

    _self_assess(builder, evaluation, planned.target + 3)
    officer = evaluation.created_by
    if officer is None:  # demo loaded without its accounts: no one to file the documents
        return
    codes = DOCUMENTS_2023 if planned.outcome == S.RECOGNISED else DOCUMENTS_2023[:1]
    items = {item.code: item for item in documents.items_for(evaluation)}
    with _as_of(_at(day, 10)):
        for code in codes:
            _add_document(evaluation, items[code], officer)


def _self_assess(builder, evaluation, claimed: Decimal) -> None:
    """The producer's self-assessment (Mẫu 02), a little above what the council will give,
    as producers do; criteria already claimed (carried from the previous dossier) stay."""
    structure = builder.structure(evaluation.criteria_set)
    claimed = min(claimed, Decimal(95))
    stars = evaluation.criteria_set.stars_for(claimed)
    seed = f"self-{evaluation.product.name}"
    chosen = plan_sheet(structure, claimed, stars, random.Random(zlib.crc32(seed.encode())))
    SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(
                evaluation=evaluation,
                criterion_id=criterion_id,
                option_id=option_id,
                evidence="Theo hồ sơ và tài liệu minh chứng của chủ thể (minh họa).",
            )
            for criterion_id, option_id in chosen.items()
        ],
        ignore_conflicts=True,
    )


def _add_document(evaluation, item, by, *, replaces=None, request=None, suffix=""):
    """A placeholder PDF for an item of the dossier's checklist, added as the pages add one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations import documents

    title = f"{item.title}{suffix} (minh họa)"
    upload = SimpleUploadedFile(f"{item.code}.pdf", placeholders.pdf(title), "application/pdf")
    return documents.add_document(
        evaluation=evaluation,
        upload=upload,
        by=by,
        title=title,
        checklist_code=item.code,
        replaces=replaces,
        request=request,
    )


def _recognise_2023(builder, evaluation, planned: Concluded, reviewer) -> None:
    """The decision of the level that recognised the stars scored under 148/QĐ-TTg: the
    district its 3★ (entered from the district's decision, by no one of the portal), the
    city its 4★; the certificate in the registry, in the producer's district."""
    evaluation.refresh_from_db()
    criteria_set = evaluation.criteria_set
    stars = criteria_set.certifiable_stars(evaluation.stars)
    level = criteria_set.recognising_level(stars)
    district = evaluation.product.producer.area
    local = level == Level.DISTRICT
    unit = f"{district.name[0].lower()}{district.name[1:]}"  # "quận Thốt Nốt"
    signer = f"Chủ tịch UBND {unit}" if local else SIGNER
    decision = services.Decision(planned.decision, planned.on, signer)
    with _as_of(_at(planned.on, 15)):
        certificate = services._issue(evaluation, stars=stars, level=level, decision=decision)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        certificate=certificate,
        decision_number=decision.number,
        decision_date=decision.date,
        signer=signer,
        recognised_level=level,
        recognised_stars=stars,
    )
    builder.step(
        evaluation,
        A.RECOGNISE,
        evaluation.status,
        S.RECOGNISED,
        None if local else reviewer,
        planned.on,
        hour=15,
        decision_number=decision.number,
        decision_date=decision.date,
        signer=signer,
        comment=f"Quyết định của UBND {unit}, ghi theo văn bản." if local else "",
    )


def _product_2026(planned: Planned, province: Area) -> Product:
    """The planned product and its producer, in the first current commune (by code) that took
    over the former district; created once, dated before the round."""
    district = Area.objects.former().get(parent=province, code=planned.district)
    commune = district.successors.filter(valid_until__isnull=True).order_by("code").first()
    producer = Producer.objects.filter(name=planned.producer, area=commune).first()
    registered = _at(ROUND_2026.opens_on - timedelta(days=20))
    if producer is None:
        producer = Producer(
            kind=planned.producer_kind,
            name=planned.producer,
            search_name=fold(planned.producer),
            legal_representative=planned.representative,
            area=commune,
            address=commune.full_name,
            is_illustrative=True,
        )
        producer.full_clean()
        producer.save()
        _backdate(producer, registered)
    product = Product.objects.filter(producer=producer, name=planned.product).first()
    if product is None:
        product = Product(
            producer=producer,
            name=planned.product,
            search_name=fold(planned.product),
            category=ProductCategory.objects.get(
                scheme=ProductCategory.Scheme.QD_26_2026, code=planned.category
            ),
            is_illustrative=True,
        )
        product.full_clean()
        product.save()
        _backdate(product, registered)
    return product


def _load_2026(builder: _Builder, province: Area, counts) -> None:
    rounds = {}
    for spec in (ROUND_2026, ROUND_2026_EXTRA):
        rounds[spec.number], created = _ensure_round(spec, province)
        counts["rounds"] += created
    existing = set(
        Evaluation.objects.filter(round__in=rounds.values()).values_list("product__name", flat=True)
    )
    reviewer = builder.users.get(REVIEWER)
    secretary = builder.users.get(SECRETARY)
    today = timezone.localdate()
    for planned in PLANNED_2026:
        product = _product_2026(planned, province)
        if planned.product in existing:
            continue
        filed = min(planned.filed, today)
        # Received after the second round's cut-off (30/10): the extra round.
        late = planned.filed > ROUND_2026.opens_on.replace(month=10, day=30)
        round_ = rounds[ROUND_2026_EXTRA.number if late else ROUND_2026.number]
        band = round_.criteria_set(product).stars_for(planned.target)
        evaluation = builder.create(
            round_=round_,
            product=product,
            kind=planned.kind,
            score=planned.target,
            stars=band,
            filled=planned.filled,
            previous=None,
            created=filed,
            fixed=dict(planned.fixed),
            officer=builder.users.get(OFFICERS[planned.district]),
            entered_by=secretary,
        )
        counts["evaluations"] += 1
        _walk_2026(builder, evaluation, planned, filed, reviewer, secretary, today)
    _load_renewals_2026(builder, rounds[ROUND_2026.number], counts)


#: What the services write while the demo replays a step (``_as_of``).
STAMPED = (
    Evaluation,
    Transition,
    Contribution,
    DossierDocument,
    DocumentRequest,
    ScoreSheet,
    Certificate,
)


def _load_renewals_2026(builder: _Builder, round_: Round, counts) -> None:
    """The re-rating dossiers of 2026 through the portal's own services, each step on its
    day: received (carrying over the 2023 dossier; a late one keeps the certificate valid),
    the commune's report and forwarding, the province's check, return and resubmission, the
    Tổ tư vấn, the council's sheets, and the Chairman's decision."""
    reviewer = builder.users.get(REVIEWER)
    secretary = builder.users.get(SECRETARY)
    if reviewer is None or secretary is None:
        return  # demo loaded without its accounts: the services need their people
    names = [renewal.product for renewal in RENEWALS_2026]
    existing = set(
        round_.evaluations.filter(kind=Certificate.Kind.RENEWAL).values_list(
            "product__name", flat=True
        )
    )
    products = {
        product.name: product
        for product in Product.objects.filter(name__in=names).select_related(
            "producer__area__parent", "category"
        )
    }
    for renewal in RENEWALS_2026:
        if renewal.product in existing:
            continue
        product = products[renewal.product]
        previous = product.certificates.order_by("-decision_date", "-pk").first()
        if previous is None or previous.decision_date.year != 2023:
            raise ValueError(
                f"“{product}” chưa có giấy chứng nhận của Đợt 1/2023: nạp lại demo trên một cơ "
                "sở dữ liệu mới."
            )
        _renew(builder, round_, product, renewal, reviewer, secretary)
        counts["evaluations"] += 1


def _renew(builder, round_, product, renewal: Renewal, reviewer, secretary) -> None:
    from evaluations import documents, dossier

    officer = builder.officer(product)
    with _as_of(_at(renewal.filed, 8)):
        evaluation = services.evaluation_create(
            product=product,
            round=round_,
            kind=Certificate.Kind.RENEWAL,
            by=officer,
            filed_on=renewal.filed,
            samples=5,
            today=renewal.filed,
        )
    items = {item.code: item for item in documents.items_for(evaluation)}
    with _as_of(_at(renewal.filed, 10)):
        _self_assess(builder, evaluation, renewal.target + 4)
        # This year's forms replace those carried from 2023; the rest of a re-rating's
        # papers are added; the carried lab reports and declarations stay.
        carried = {d.checklist_code: d for d in evaluation.documents.present()}
        for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia"):
            _add_document(evaluation, items[code], officer, replaces=carried.get(code))
        for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
            if item.provided_by == documents.Provider.PRODUCER:
                _add_document(evaluation, item, officer)
    if renewal.forwarded is None:
        return
    with _as_of(_at(renewal.forwarded, 9)):
        for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
            _add_document(evaluation, item, officer)
        evaluation.refresh_from_db()
        dossier.preassessment_save(
            evaluation=evaluation,
            by=officer,
            values={
                **COMMUNE_REPORT,
                "commune_letter": f"{renewal.forwarded:%d%m}/UBND-KT",
                "preassessed_on": renewal.forwarded,
            },
            version=evaluation.version,
            today=renewal.forwarded,
        )
        services.evaluation_forward(evaluation=evaluation, by=officer, today=renewal.forwarded)
    if renewal.returned:
        with _as_of(_at(renewal.returned, 14)):
            services.evaluation_return(
                evaluation=evaluation,
                by=reviewer,
                comment=renewal.return_comment,
                documents=renewal.asked,
                today=renewal.returned,
            )
        with _as_of(_at(renewal.resubmitted, 9)):
            present = {d.checklist_code: d for d in evaluation.documents.present()}
            for request in evaluation.document_requests.filter(fulfilled_at__isnull=True):
                code = request.checklist_code
                _add_document(
                    evaluation,
                    items[code],
                    officer,
                    replaces=present.get(code),
                    request=request,
                    suffix=f" năm {renewal.resubmitted.year}",
                )
            services.evaluation_resubmit(
                evaluation=evaluation, by=officer, today=renewal.resubmitted
            )
    if renewal.accepted is None:
        return
    with _as_of(_at(renewal.accepted, 10)):
        services.evaluation_accept(evaluation=evaluation, by=reviewer, today=renewal.accepted)
    if renewal.surveyed is None:
        return
    with _as_of(_at(renewal.surveyed, 16)):
        services.advisory_save(
            evaluation=evaluation,
            by=reviewer,
            survey_on=renewal.surveyed,
            advisory_findings=ADVISORY_FINDINGS,
            today=renewal.surveyed,
        )
    if renewal.council is None:
        return
    with _as_of(_at(renewal.council, 9)):
        services.evaluation_to_council(evaluation=evaluation, by=reviewer, today=renewal.council)
    entered = min(renewal.council + timedelta(days=3), renewal.scored or timezone.localdate())
    with _as_of(_at(entered, 16)):
        evaluation.refresh_from_db()
        band = evaluation.criteria_set.stars_for(renewal.target)
        builder.fill(
            evaluation,
            score=renewal.target,
            stars=band,
            filled=renewal.filled,
            entered_by=secretary,
            on=_at(entered, 16),
        )
        if renewal.filled:
            Contribution.objects.get_or_create(
                evaluation=evaluation, user=secretary, kind=Contribution.Kind.SHEET
            )
    if renewal.scored is None:
        return
    with _as_of(_at(renewal.scored, 15)):
        services.evaluation_scored(evaluation=evaluation, by=secretary, today=renewal.scored)
    if renewal.decided is None:
        return
    with _as_of(_at(renewal.decided, 15)):
        evaluation = services.evaluation_recognise(
            evaluation=evaluation,
            by=reviewer,
            decision_number=renewal.decision,
            decision_date=renewal.decided,
            signer=SIGNER,
            today=renewal.decided,
        )
        # The producer is still recorded in its former district; the certificate names the
        # commune that took it over, as the registry's re-ratings of 2025 do.
        commune = Area.objects.current().get(code=renewal.commune)
        Certificate.objects.filter(pk=evaluation.certificate_id).update(area=commune)


def _ask_lab_report(evaluation, reviewer) -> None:
    """The return asks, by name, for the lab report the dossier lacks."""
    from evaluations import documents

    if reviewer is None:
        return
    step = evaluation.transitions.filter(action=A.RETURN).last()
    asked = documents.request_documents(
        evaluation=evaluation, items=["phieu-kiem-nghiem"], by=reviewer, transition=step
    )
    # Asked with the return, on its day.
    DocumentRequest.objects.filter(pk__in=[r.pk for r in asked]).update(asked_at=step.at)


def _file_2026(builder, evaluation, planned: Planned, *, commune_part: bool) -> None:
    """The producer's self-assessment (a little above what the council will give, as
    producers do) and the dossier's required documents: the producer's, and the commune's
    once it has reported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations import documents

    _self_assess(builder, evaluation, planned.target + 4)
    officer = evaluation.created_by
    if officer is None:  # demo loaded without its accounts: no one to file the documents
        return
    for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
        if item.provided_by == "commune" and not commune_part:
            continue
        upload = SimpleUploadedFile(
            f"{item.code}.pdf", placeholders.pdf(str(item.title)), "application/pdf"
        )
        document = documents.add_document(
            evaluation=evaluation,
            upload=upload,
            by=officer,
            title=f"{item.title} (minh họa)",
            checklist_code=item.code,
        )
        # Handed in with the dossier; the commune's papers with its report, days later.
        later = 10 if item.provided_by == "commune" else 0
        day = min(evaluation.filed_on + timedelta(days=later), timezone.localdate())
        DossierDocument.objects.filter(pk=document.pk).update(added_at=_at(day, 10))


def _walk_2026(builder, evaluation, planned: Planned, filed: date, reviewer, secretary, today):
    """The steps of a 2026 dossier up to where the plan has it, a few days apart."""
    officer = evaluation.created_by
    day = filed

    def later(days: int) -> date:
        nonlocal day
        day = min(day + timedelta(days=days), today)
        return day

    _file_2026(builder, evaluation, planned, commune_part=planned.status != S.RECEIVED)
    if planned.status == S.RECEIVED:
        return
    forwarded = later(12)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        **COMMUNE_REPORT,
        commune_letter=f"{evaluation.number or 1:02d}/UBND-KT",
        preassessed_on=forwarded,
    )
    Contribution.objects.get_or_create(
        evaluation=evaluation, user=officer, kind=Contribution.Kind.PREASSESSED
    )
    builder.step(evaluation, A.FORWARD, S.RECEIVED, S.FORWARDED, officer, forwarded)
    if planned.status == S.FORWARDED:
        return
    if planned.status == S.RETURNED and planned.filled == 0 and "Tổ tư vấn" not in planned.comment:
        builder.step(
            evaluation,
            A.RETURN,
            S.FORWARDED,
            S.RETURNED,
            reviewer,
            later(5),
            comment=planned.comment,
        )
        _ask_lab_report(evaluation, reviewer)
        return
    builder.step(evaluation, A.ACCEPT, S.FORWARDED, S.ADVISORY, reviewer, later(4))
    if planned.status == S.ADVISORY:
        return
    surveyed = later(10)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        survey_on=surveyed, advisory_findings=ADVISORY_FINDINGS
    )
    if planned.status == S.RETURNED:
        builder.step(
            evaluation,
            A.RETURN,
            S.ADVISORY,
            S.RETURNED,
            reviewer,
            later(1),
            comment=planned.comment,
        )
        return
    builder.step(evaluation, A.TO_COUNCIL, S.ADVISORY, S.COUNCIL, reviewer, later(2))
    if planned.status == S.COUNCIL:
        return
    builder.step(evaluation, A.SCORED, S.COUNCIL, S.SCORED, secretary, later(7))
    if planned.status == S.SCORED:
        return
    evaluation.refresh_from_db()
    decided = later(6)
    number = f"{3900 + (evaluation.number or 0)}/QĐ-UBND"
    if planned.status == S.MINISTRY:
        Evaluation.objects.filter(pk=evaluation.pk).update(
            approval_number=number, approval_date=decided
        )
        builder.step(
            evaluation,
            A.APPROVE_CENTRAL,
            S.SCORED,
            S.MINISTRY,
            reviewer,
            decided,
            decision_number=number,
            decision_date=decided,
            signer=SIGNER,
            comment="Gửi Bộ Nông nghiệp và Môi trường đề nghị đánh giá, công nhận 5 sao.",
        )
        return
    # Recognised by the Chairman: the certificate in the registry and the catalogue.
    decision = services.Decision(number, decided, SIGNER)
    stars = evaluation.criteria_set.certifiable_stars(evaluation.stars)
    certificate = services._issue(evaluation, stars=stars, level="city", decision=decision)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        certificate=certificate,
        decision_number=number,
        decision_date=decided,
        signer=SIGNER,
        recognised_level="city",
        recognised_stars=stars,
    )
    builder.step(
        evaluation,
        A.RECOGNISE,
        S.SCORED,
        S.RECOGNISED,
        reviewer,
        decided,
        decision_number=number,
        decision_date=decided,
        signer=SIGNER,
    )


@transaction.atomic
def load_evaluations(progress: Progress | None = None) -> dict[str, int]:
    """The criteria sets, the demo rounds and their evaluations; idempotent.

    Needs the areas, the registry demo and the demo accounts loaded first (without the accounts
    the steps are recorded without a person). Returns what was created."""
    load_criteria_sets()
    province = Area.objects.get(code=DEMO_PROVINCE_CODE, valid_until__isnull=True)
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[*OFFICERS.values(), REVIEWER, SECRETARY])
    }
    builder = _Builder(users)
    counts = {"rounds": 0, "evaluations": 0}
    _load_2022(builder, province, progress, counts)
    _load_2023(builder, province, counts)
    _load_2026(builder, province, counts)
    return counts
