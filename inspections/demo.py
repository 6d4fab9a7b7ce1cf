"""The demo's year of inspection after recognition (26/2026/QĐ-TTg Điều 9) in Cần Thơ, 2026:

- the city's plan of periodic inspections, approved in June, ten lines from July to December:
  most recorded (several passed; one with a label not as recognised, a corrective deadline and
  a re-inspection done; one recorded in November, its follow-up still to decide), two still
  planned for December;
- the public's reports from the catalogue: one about a producer printing the OCOP mark of its
  recognised dried fish on a product never recognised (ground "d" of Điều 8), turned into an
  ad-hoc inspection whose record fails the OCOP mark point, followed by the city's proposal to
  revoke and the decision recorded by another officer of the Department within 15 days (the
  product's catalogue address then answers that it was revoked); one closed with a note; one
  new.

Every step goes through ``inspections.services`` and ``products.revocations``, as the pages do,
then is dated as of its day. The products, the people named and the findings are
illustrative; the attachments are placeholder files (``core.placeholders``).

Anchored on fixed days up to 26/11/2026: loaded later, the December lines become overdue.
Idempotent: the plan (its province and year) and the reports (their form token) are found
again and nothing is written twice.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from areas.services import DEMO_PROVINCE_CODE
from core import placeholders
from core.loading import dated
from inspections import services
from inspections.models import (
    Inspection,
    InspectionAttachment,
    InspectionPlan,
    InspectionPoint,
    PublicReport,
    points,
)
from products import revocations
from products.models import Certificate, Product, Revocation

R = InspectionPoint.Result
F = Inspection.FollowUp
REVIEWER = "city"
#: Records the revocation's decision: never the officer who proposed it.
DECIDER = "thuky"
YEAR = 2026

#: What the services write inside a step, dated as of the step.
STAMPED = (
    InspectionPlan,
    Inspection,
    InspectionPoint,
    InspectionAttachment,
    PublicReport,
    Revocation,
    Certificate,
)

PLAN_TITLE = "Kế hoạch kiểm tra sau công nhận sản phẩm OCOP năm 2026"
PLAN_NOTE = (
    "Kiểm tra định kỳ việc duy trì tiêu chí và sử dụng nhãn hiệu OCOP của sản phẩm được công "
    "nhận (Điều 9 Quyết định 26/2026/QĐ-TTg). Kế hoạch trình diễn: sản phẩm, đoàn kiểm tra và "
    "kết quả là minh họa."
)
TEAM = "Sở Nông nghiệp và Môi trường (Văn phòng Điều phối nông thôn mới); UBND {commune}"
INSPECTORS = (
    "Lê Thị Ngọc Hân, Phó Chánh Văn phòng Điều phối nông thôn mới thành phố; "
    "Trần Quốc Khánh, chuyên viên Sở Nông nghiệp và Môi trường; "
    "cán bộ phụ trách OCOP của UBND {commune} (minh họa)"
)
PASSED = (
    "Cơ sở duy trì điều kiện sản xuất như hồ sơ được công nhận; nhãn, bao bì và biểu trưng OCOP "
    "sử dụng đúng sản phẩm, đúng hạng sao."
)


@dataclass(frozen=True)
class Line:
    """A periodic inspection of the plan and, once done, its record and what followed."""

    product: str
    month: int
    planned_on: date | None = None
    done_on: date | None = None
    findings: str = PASSED
    #: Points not met or not applicable: {code: (result, note)}; the others are met.
    points: dict = field(default_factory=dict)
    #: After the record, the day the city ended it (nothing more to do)…
    closed_on: date | None = None
    #: … or gave a corrective deadline: (decided on, deadline, what to correct).
    corrective: tuple = ()
    #: The re-inspection of a corrective deadline: (day done, who records it, findings).
    reinspection: tuple = ()


LINES = [
    Line(
        "Khô cá lóc một nắng Kim Loan",
        7,
        date(2026, 7, 14),
        date(2026, 7, 14),
        closed_on=date(2026, 7, 16),
    ),
    Line(
        "Gạo thơm Tư Thạnh Quới",
        7,
        date(2026, 7, 22),
        date(2026, 7, 22),
        closed_on=date(2026, 7, 24),
    ),
    Line(
        "Bánh ít lá gai Bé Năm",
        8,
        date(2026, 8, 11),
        date(2026, 8, 11),
        findings="Sản phẩm giữ chất lượng như hồ sơ công nhận; cơ sở đang dùng mẫu nhãn cũ, khác "
        "nhãn trong hồ sơ được công nhận lại năm 2025.",
        points={
            "label": (
                R.NOT_MET,
                "Nhãn đang dùng là mẫu năm 2022: thiếu ngày sản xuất, hạn sử dụng và mã truy "
                "xuất nguồn gốc như nhãn trong hồ sơ công nhận lại.",
            ),
            "traceability": (R.NOT_MET, "Bao bì mẫu cũ không có mã truy xuất nguồn gốc."),
        },
        corrective=(
            date(2026, 8, 14),
            date(2026, 9, 30),
            "Dùng nhãn đúng mẫu trong hồ sơ công nhận lại, ghi đủ ngày sản xuất, hạn sử dụng và "
            "in mã truy xuất nguồn gốc trên bao bì.",
        ),
        reinspection=(
            date(2026, 10, 2),
            "thoilai",
            "Cơ sở đã in nhãn mới đúng mẫu hồ sơ, có ngày sản xuất, hạn sử dụng và mã truy "
            "xuất nguồn gốc; nhãn cũ đã thu hồi.",
        ),
    ),
    Line(
        "Trà rau má Long Tuyền",
        8,
        date(2026, 8, 25),
        date(2026, 8, 25),
        closed_on=date(2026, 8, 27),
    ),
    Line(
        "Dâu Hạ Châu Nhơn Ái",
        9,
        date(2026, 9, 9),
        date(2026, 9, 9),
        points={"quality_declaration": (R.NOT_APPLICABLE, "Quả tươi: không tự công bố.")},
        closed_on=date(2026, 9, 11),
    ),
    Line(
        "Hủ tiếu khô Cái Răng Xưa",
        9,
        date(2026, 9, 23),
        date(2026, 9, 23),
        closed_on=date(2026, 9, 25),
    ),
    Line(
        "Bánh pía đậu xanh Thanh Tâm",
        10,
        date(2026, 10, 14),
        date(2026, 10, 14),
        closed_on=date(2026, 10, 16),
    ),
    # Recorded in November; what follows is the city's to decide.
    Line(
        "Mít Thái sấy giòn Phước Thới",
        11,
        date(2026, 11, 18),
        date(2026, 11, 18),
        findings="Cơ sở duy trì điều kiện sản xuất và nhãn như hồ sơ; trang bán hàng trực tuyến "
        "của hợp tác xã giới thiệu sản phẩm là OCOP 4 sao.",
        points={
            "promotion": (
                R.NOT_MET,
                "Trang bán hàng trực tuyến ghi “OCOP 4 sao”; sản phẩm được công nhận 3 sao.",
            )
        },
    ),
    Line("Gạo hữu cơ Thới An", 12),
    Line("Mứt chôm chôm Trường Long", 12, date(2026, 12, 8)),
]


@dataclass(frozen=True)
class Report:
    """A report from the catalogue's form (its token makes it once) and what the office did."""

    token: str
    product: str
    kind: str
    description: str
    sent: datetime
    contact_name: str = ""
    contact_email: str = ""
    #: Taken by the office and closed with a note: (taken, closed, note).
    closed: tuple = ()


#: The report behind the revocation: the OCOP mark of a recognised dried fish on another product.
MARK_REPORT = Report(
    "demo-2026-phan-anh-1",
    "Khô cá rô đồng Trung Hưng",
    PublicReport.Kind.MARK,
    "Tôi mua khô cá lóc của cơ sở Thạch Văn Sang ở chợ Cờ Đỏ: bao bì in biểu trưng OCOP 3 sao "
    "và mã QR của sản phẩm khô cá rô đồng Trung Hưng. Tra danh mục OCOP thì không có sản phẩm "
    "khô cá lóc nào của cơ sở này. (Phản ánh minh họa.)",
    datetime(2026, 10, 5, 10, 20),
    contact_name="Nguyễn Văn Hùng",
    contact_email="phananh.hung@ocop.example",
)
OTHER_REPORTS = [
    Report(
        "demo-2026-phan-anh-2",
        "Bánh bía chay Thanh Tâm",
        PublicReport.Kind.INFORMATION,
        "Số điện thoại liên hệ trên trang sản phẩm không gọi được, không biết mua bánh ở đâu. "
        "(Phản ánh minh họa.)",
        datetime(2026, 9, 8, 19, 45),
        closed=(
            datetime(2026, 9, 9, 8, 30),
            datetime(2026, 9, 15, 15, 0),
            "Đã liên hệ chủ thể qua UBND phường An Bình: cơ sở đổi số điện thoại; đã cập nhật "
            "thông tin liên hệ của chủ thể trong sổ sản phẩm.",
        ),
    ),
    Report(
        "demo-2026-phan-anh-3",
        "Chả cá lóc Kim Loan",
        PublicReport.Kind.QUALITY,
        "Gói chả cá lóc mua ngày 24/11 ở siêu thị còn hạn sử dụng nhưng có mùi lạ, túi hút chân "
        "không bị phồng. (Phản ánh minh họa.)",
        datetime(2026, 11, 26, 20, 5),
        contact_name="Trần Thị Mai",
    ),
]
#: The ad-hoc inspection of the mark report and the revocation that followed.
ADHOC_REASON = (
    "Phản ánh của người dân: biểu trưng OCOP 3 sao và mã QR của sản phẩm Khô cá rô đồng Trung "
    "Hưng in trên bao bì khô cá lóc, sản phẩm chưa được đánh giá, phân hạng."
)
ADHOC_FINDINGS = (
    "Chủ thể sử dụng nhãn hiệu OCOP cho sản phẩm chưa được công nhận, gây nhầm lẫn với sản phẩm "
    "được công nhận. Đoàn lập biên bản, yêu cầu chủ thể ngừng ngay việc dùng bao bì in biểu "
    "trưng OCOP cho khô cá lóc."
)
ADHOC_POINTS = {
    "mark": (
        R.NOT_MET,
        "Biểu trưng OCOP 3 sao và mã QR của sản phẩm Khô cá rô đồng Trung Hưng in trên bao bì khô "
        "cá lóc; tại cơ sở còn khoảng 1.200 bao bì in sẵn và 85 kg khô cá lóc đã đóng gói.",
    ),
    "promotion": (
        R.NOT_MET,
        "Trang bán hàng của cơ sở giới thiệu khô cá lóc là “sản phẩm OCOP 3 sao”.",
    ),
}
ADHOC_TAKEN = datetime(2026, 10, 6, 9, 0)
ADHOC_DONE = date(2026, 10, 9)
PROPOSED = datetime(2026, 10, 12, 10, 0)
REVOKED = date(2026, 10, 21)
REVOCATION_NUMBER = "2987/QĐ-UBND"
MARK_CLOSED = (
    datetime(2026, 10, 22, 9, 0),
    "Đã kiểm tra đột xuất ngày 09/10/2026. Chủ tịch UBND thành phố thu hồi giấy chứng nhận OCOP "
    "của sản phẩm Khô cá rô đồng Trung Hưng theo Quyết định số 2987/QĐ-UBND ngày 21/10/2026.",
)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)


def _as_of(when: datetime):
    return dated(when, STAMPED)


def _commune(product: Product) -> str:
    """Where the team goes: the commune of the product's current certificate, else the
    first commune that took over the producer's former district."""
    certificate = product.certificate_on(date(YEAR, 12, 31)) or product.certificates.first()
    area = certificate.area if certificate else product.producer.area
    if not area.is_current:
        area = area.successors.filter(valid_until__isnull=True).order_by("code").first() or area
    return f"{area.name[0].lower()}{area.name[1:]}"


def _results(overrides: dict) -> dict:
    return {point.code: overrides.get(point.code, (R.MET, "")) for point in points()}


def _files(product: Product, day: date, *, photo: bool) -> list[tuple[str, SimpleUploadedFile]]:
    """The minutes of the inspection and, where the team took one, a photo: placeholders."""
    stamp = f"{day:%d%m%Y}"
    files = [
        (
            f"Biên bản kiểm tra ngày {day:%d/%m/%Y} (minh họa)",
            SimpleUploadedFile(
                f"bien-ban-{stamp}.pdf",
                placeholders.pdf(f"Biên bản kiểm tra {product.name} {day:%d/%m/%Y}"),
                "application/pdf",
            ),
        )
    ]
    if photo:
        files.append(
            (
                "Ảnh chụp nhãn, bao bì tại cơ sở (minh họa)",
                SimpleUploadedFile(f"anh-{stamp}.png", placeholders.png(product.name), "image/png"),
            )
        )
    return files


def _record(inspection, by, day: date, findings: str, overrides: dict, *, photo: bool) -> None:
    product = inspection.product
    with _as_of(_at(day, 16)):
        services.record(
            inspection=inspection,
            by=by,
            done_on=day,
            inspectors=INSPECTORS.format(commune=_commune(product)),
            findings=findings,
            results=_results(overrides),
        )
        for title, upload in _files(product, day, photo=photo):
            services.attach(inspection=inspection, upload=upload, by=by, title=title)


def _products(names) -> dict[str, Product]:
    found = {
        product.name: product
        for product in Product.objects.filter(name__in=names).select_related("producer__area")
    }
    missing = set(names) - found.keys()
    if missing:
        raise ValueError(
            f"Chưa nạp sản phẩm {', '.join(sorted(missing))} (chạy load_registry trước)."
        )
    return found


def _load_plan(province: Area, users: dict[str, User], counts: dict) -> None:
    if InspectionPlan.objects.filter(province=province, year=YEAR).exists():
        return
    city = users[REVIEWER]
    products = _products([line.product for line in LINES])
    with _as_of(_at(date(YEAR, 6, 2))):
        plan = services.plan_create(
            plan=InspectionPlan(
                province=province,
                year=YEAR,
                title=PLAN_TITLE,
                approval_number="146/KH-SNNMT",
                approval_date=date(YEAR, 6, 12),
                note=PLAN_NOTE,
            ),
            by=city,
        )
        inspections = {}
        for line in LINES:
            product = products[line.product]
            inspections[line.product] = services.line_add(
                plan=plan,
                product=product,
                by=city,
                planned_month=line.month,
                planned_on=line.planned_on,
                team=TEAM.format(commune=_commune(product)),
            )
    with _as_of(_at(date(YEAR, 6, 12), 15)):
        services.plan_approve(plan=plan, by=city)
    counts["plans"] += 1
    counts["inspections"] += len(LINES)
    for line in LINES:
        if line.done_on is None:
            continue
        inspection = inspections[line.product]
        _record(inspection, city, line.done_on, line.findings, line.points, photo=bool(line.points))
        inspection.refresh_from_db()
        if line.closed_on:
            with _as_of(_at(line.closed_on, 10)):
                services.follow_up(inspection=inspection, kind=F.NONE, by=city)
        elif line.corrective:
            decided, deadline, actions = line.corrective
            with _as_of(_at(decided, 10)):
                services.follow_up(
                    inspection=inspection,
                    kind=F.CORRECTIVE,
                    by=city,
                    deadline=deadline,
                    actions=actions,
                    team=inspection.team,
                )
            counts["inspections"] += 1
        if line.reinspection:
            done, who, findings = line.reinspection
            again = inspection.reinspections.get()
            _record(again, users[who], done, findings, {}, photo=True)
            again.refresh_from_db()
            with _as_of(_at(done + timedelta(days=3), 10)):
                services.follow_up(inspection=again, kind=F.NONE, by=city)


def _submit(report: Report, product: Product) -> PublicReport | None:
    """The report as the catalogue's form sends it; None when the demo made it already."""
    if PublicReport.objects.filter(form_token=report.token).exists():
        return None
    with _as_of(_aware(report.sent)):
        return services.report_submit(
            product=product,
            kind=report.kind,
            description=report.description,
            contact_name=report.contact_name,
            contact_email=report.contact_email,
            token=report.token,
        )


def _load_reports(users: dict[str, User], counts: dict) -> None:
    city = users[REVIEWER]
    products = _products([r.product for r in (MARK_REPORT, *OTHER_REPORTS)])
    for report in OTHER_REPORTS:
        made = _submit(report, products[report.product])
        if made is None:
            continue
        counts["reports"] += 1
        if report.closed:
            taken, closed, note = report.closed
            with _as_of(_aware(taken)):
                services.report_take(report=made, by=city)
            with _as_of(_aware(closed)):
                services.report_close(report=made, by=city, note=note)
    made = _submit(MARK_REPORT, products[MARK_REPORT.product])
    if made is not None:
        counts["reports"] += 1
        counts["inspections"] += 1
        counts["revocations"] += 1
        _revoke(made, users)


def _revoke(report: PublicReport, users: dict[str, User]) -> None:
    """The mark report → an ad-hoc inspection → its record (the OCOP mark not as recognised)
    → the city's proposal (ground d) → the decision, recorded by another officer of the
    Department within 15 days of the inspection's conclusion → the report closed."""
    city = users[REVIEWER]
    product = report.product
    with _as_of(_aware(ADHOC_TAKEN)):
        inspection = services.report_to_inspection(
            report=report,
            by=city,
            reason=ADHOC_REASON,
            planned_on=ADHOC_DONE,
            team=TEAM.format(commune=_commune(product)),
        )
    _record(inspection, city, ADHOC_DONE, ADHOC_FINDINGS, ADHOC_POINTS, photo=True)
    inspection.refresh_from_db()
    with _as_of(_aware(PROPOSED)):
        inspection = services.follow_up(
            inspection=inspection,
            kind=F.REVOCATION,
            by=city,
            ground=Revocation.Ground.D,
            concluded_on=ADHOC_DONE,
        )
    with _as_of(_at(REVOKED, 16)):
        revocations.decide(
            revocation=inspection.revocation,
            decision_number=REVOCATION_NUMBER,
            decision_date=REVOKED,
            by=users[DECIDER],
        )
    closed, note = MARK_CLOSED
    report.refresh_from_db()
    with _as_of(_aware(closed)):
        services.report_close(report=report, by=city, note=note)


@transaction.atomic
def load_inspections() -> dict[str, int]:
    """The 2026 plan of inspections, its records and follow-ups, the public's reports and the
    revocation that one of them led to; idempotent. Needs the registry, the demo accounts and
    the evaluations demo (whose decisions some of these products hold) loaded first."""
    counts = {"plans": 0, "inspections": 0, "reports": 0, "revocations": 0}
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[REVIEWER, DECIDER, "thoilai"])
    }
    if len(users) < 3:
        return counts  # demo loaded without its accounts: the services need their people
    province = Area.objects.get(code=DEMO_PROVINCE_CODE, valid_until__isnull=True)
    _load_plan(province, users, counts)
    _load_reports(users, counts)
    return counts
