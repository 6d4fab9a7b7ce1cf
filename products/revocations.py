"""Revoking a certificate (Quyết định 26/2026/QĐ-TTg, Điều 8).

The OCOP office finds one of the six grounds, on an authority's conclusion (an inspection, a
court, the commune's confirmation that the producer stopped), and proposes the revocation; the
Chairman of the provincial People's Committee decides for 3★ and 4★, the Minister for 5★ (the
portal records the Ministry's decision). The decision is due within 15 days of the conclusion.
Deciding writes the certificate's ``revoked_on``: from that day the product leaves the registry's
certified list and the public catalogue, and its QR address says it was revoked.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import policy
from products.models import Certificate, Revocation

GROUNDS = Revocation.Ground


def _check(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def propose(
    *,
    certificate: Certificate,
    ground: str,
    concluded_on: date,
    concluded_by: str,
    findings: str,
    by,
    today: date | None = None,
) -> Revocation:
    """Open a revocation of a certificate valid on the day of the conclusion. A certificate has
    one live revocation at a time: proposing again returns the one under way."""
    today = today or timezone.localdate()
    policy.require(by, "revocation.propose", certificate)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    live = certificate.revocations.exclude(status=Revocation.Status.DROPPED).first()
    if live is not None:
        if live.status == Revocation.Status.PROPOSED and live.ground == ground:
            return live
        raise ValidationError(
            {"certificate": _("Giấy chứng nhận này đã có đề nghị hoặc quyết định thu hồi.")}
        )
    errors: dict[str, str] = {}
    if ground not in GROUNDS.values:
        errors["ground"] = _("Hãy chọn một căn cứ thu hồi của Điều 8.")
    if concluded_on is None:
        errors["concluded_on"] = _("Hãy nhập ngày có kết luận.")
    elif concluded_on > today:
        errors["concluded_on"] = _("Ngày có kết luận không được ở tương lai.")
    elif concluded_on < certificate.decision_date:
        errors["concluded_on"] = _("Ngày kết luận phải sau ngày quyết định công nhận.")
    elif concluded_on > certificate.valid_through:
        # Nothing left to withdraw: the certificate lapsed before the conclusion (kept valid
        # by a late re-rating's grace, it can still be withdrawn until the grace ends).
        errors["concluded_on"] = _(
            "Giấy chứng nhận đã hết hiệu lực (đến hết ngày %(day)s) trước ngày kết luận."
        ) % {"day": formats.date_format(certificate.valid_through, "SHORT_DATE_FORMAT")}
    if not (concluded_by or "").strip():
        errors["concluded_by"] = _("Hãy ghi cơ quan kết luận.")
    if not (findings or "").strip():
        errors["findings"] = _("Hãy ghi nội dung kết luận, vi phạm.")
    if not errors and certificate.revoked_on is not None:
        errors["certificate"] = _("Giấy chứng nhận này đã bị thu hồi.")
    _check(errors)
    return Revocation.objects.create(
        certificate=certificate,
        ground=ground,
        concluded_on=concluded_on,
        concluded_by=concluded_by.strip(),
        findings=findings.strip(),
        authority=Revocation.authority_for(certificate),
        proposed_by=by,
    )


@transaction.atomic
def decide(
    *,
    revocation: Revocation,
    decision_number: str,
    decision_date: date,
    by,
    today: date | None = None,
) -> Revocation:
    """Record the revocation decision (the Chairman's, or the Ministry's for 5★): the
    certificate is revoked from the decision day."""
    today = today or timezone.localdate()
    revocation = Revocation.objects.select_for_update().get(pk=revocation.pk)
    policy.require(by, "revocation.decide", revocation)
    errors: dict[str, str] = {}
    if not (decision_number or "").strip():
        errors["decision_number"] = _("Hãy nhập số quyết định thu hồi.")
    if decision_date is None:
        errors["decision_date"] = _("Hãy nhập ngày quyết định thu hồi.")
    elif decision_date > today:
        errors["decision_date"] = _("Ngày quyết định không được ở tương lai.")
    elif decision_date < revocation.concluded_on:
        errors["decision_date"] = _("Ngày quyết định phải từ ngày có kết luận trở đi.")
    _check(errors)
    revocation.status = Revocation.Status.DECIDED
    revocation.decision_number = decision_number.strip()
    revocation.decision_date = decision_date
    revocation.decided_by = by
    revocation.save()
    certificate = Certificate.objects.select_for_update().get(pk=revocation.certificate_id)
    certificate.revoked_on = decision_date
    certificate.revoked_reason = _("%(ground)s — Quyết định số %(number)s") % {
        "ground": revocation.get_ground_display(),
        "number": revocation.decision_number,
    }
    certificate.save()
    return revocation


@transaction.atomic
def drop(*, revocation: Revocation, note: str, by) -> Revocation:
    """Close a proposal the authority did not follow (the certificate stays valid)."""
    revocation = Revocation.objects.select_for_update().get(pk=revocation.pk)
    policy.require(by, "revocation.decide", revocation)
    if not (note or "").strip():
        raise ValidationError({"closing_note": _("Hãy ghi lý do không thu hồi.")})
    revocation.status = Revocation.Status.DROPPED
    revocation.closing_note = note.strip()
    revocation.decided_by = by
    revocation.save()
    return revocation


# --- What the pages say -----------------------------------------------------------------------


def authority_name(revocation: Revocation) -> str:
    """Who decides, as the province says it: "Chủ tịch UBND thành phố" in Cần Thơ."""
    if revocation.authority == Revocation.Authority.MINISTRY:
        return _("Bộ trưởng Bộ Nông nghiệp và Môi trường")
    return _("Chủ tịch UBND %(unit)s") % {"unit": revocation.certificate.area.province_words.unit}


def next_step(revocation: Revocation) -> str:
    """Who acts next on a revocation, in one line."""
    day = formats.date_format(revocation.deadline, "SHORT_DATE_FORMAT")
    if revocation.status == Revocation.Status.PROPOSED:
        if revocation.authority == Revocation.Authority.MINISTRY:
            return _(
                "Chờ quyết định của Bộ Nông nghiệp và Môi trường; Sở ghi lại số và ngày quyết "
                "định (hạn %(day)s)"
            ) % {"day": day}
        return _("Chờ Chủ tịch UBND %(unit)s quyết định, hạn %(day)s") % {
            "unit": revocation.certificate.area.province_words.unit,
            "day": day,
        }
    if revocation.status == Revocation.Status.DECIDED:
        return _(
            "Đã thu hồi từ ngày %(day)s theo Quyết định số %(number)s; sản phẩm không còn trong "
            "danh mục công khai."
        ) % {
            "day": formats.date_format(revocation.decision_date, "SHORT_DATE_FORMAT"),
            "number": revocation.decision_number,
        }
    return _("Không thu hồi: giấy chứng nhận giữ nguyên hiệu lực.")


def confirmation(revocation: Revocation) -> list[str]:
    """What recording the decision does, to confirm before it is recorded."""
    certificate = revocation.certificate
    return [
        _(
            "Thu hồi giấy chứng nhận %(stars)s★ số %(number)s của sản phẩm “%(product)s”; sản "
            "phẩm sẽ rời danh mục công khai ngay."
        )
        % {
            "stars": certificate.stars,
            "number": certificate.decision_number,
            "product": certificate.product.name,
        },
        _(
            "Trang công khai và mã QR của sản phẩm báo giấy chứng nhận đã bị thu hồi từ ngày "
            "quyết định; không in thêm được nhãn mã QR."
        ),
        _("Cán bộ xã, phường phụ trách và chủ thể được thông báo."),
        _("Quyết định đã ghi không hoàn tác được trên cổng."),
    ]
