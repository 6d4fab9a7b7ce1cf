"""The forms of a dossier filed online by its producer (evaluations.online): starting it,
its registration (Mẫu 01), filing it with the pledge of Mẫu 01, sending it back after a
return, and its documents (the commune's upload form, for the producer's items)."""

import dataclasses

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import multi_line
from evaluations import documents
from evaluations.views.documents import DocumentForm
from products.models import Certificate, Product

KIND_HELP = _(
    "Lần đầu: sản phẩm chưa có giấy chứng nhận OCOP. Đánh giá lại: nộp từ 180 đến 120 ngày "
    "trước khi giấy chứng nhận hết hạn. Nâng hạng: đề nghị công nhận số sao cao hơn."
)
SAMPLES_HELP = _(
    "Số sản phẩm mẫu chủ thể nộp tại Ủy ban nhân dân cấp xã khi xã tiếp nhận hồ sơ: 05 sản "
    "phẩm mẫu (Điều 6 khoản 2 điểm d); dịch vụ du lịch cộng đồng, du lịch sinh thái: 0."
)
SAMPLES_ERRORS = {
    "invalid": _("Số sản phẩm mẫu là một số nguyên."),
    "min_value": _("Số sản phẩm mẫu không thể âm."),
    "max_value": _("Số sản phẩm mẫu không quá 99."),
}


class StartForm(forms.Form):
    """Which product, in which open round, of which kind; the samples; whether a re-rating
    or upgrade starts from the previous dossier."""

    product = forms.ModelChoiceField(
        label=_("Sản phẩm"),
        queryset=Product.objects.none(),
        help_text=_(
            "Sản phẩm của chủ thể trong sổ sản phẩm OCOP. Chưa có sản phẩm? Liên hệ cán bộ OCOP "
            "của xã để đăng ký sản phẩm."
        ),
        error_messages={
            "required": _("Hãy chọn sản phẩm đăng ký đánh giá."),
            "invalid_choice": _("Sản phẩm này không phải của chủ thể; hãy chọn lại."),
        },
    )
    round = forms.ModelChoiceField(
        label=_("Đợt đánh giá"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn đợt đánh giá."),
            "invalid_choice": _("Đợt này không còn mở; hãy chọn lại."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Lần đăng ký đánh giá"),
        choices=Certificate.Kind.choices,
        initial=Certificate.Kind.NEW,
        help_text=KIND_HELP,
    )
    samples = forms.IntegerField(
        label=_("Số sản phẩm mẫu sẽ nộp"),
        min_value=0,
        max_value=99,
        initial=5,
        help_text=SAMPLES_HELP,
        error_messages={"required": _("Hãy ghi số sản phẩm mẫu."), **SAMPLES_ERRORS},
    )
    carry = forms.BooleanField(
        label=_("Bắt đầu từ hồ sơ trước của sản phẩm"),
        required=False,
        initial=True,
        help_text=_(
            "Đánh giá lại, nâng hạng: tài liệu và báo cáo tự đánh giá của hồ sơ trước được chuyển "
            "sang hồ sơ mới; chủ thể thay những gì đã thay đổi. Bỏ chọn để lập hồ sơ trống."
        ),
    )

    def __init__(self, *args, products, rounds, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = lambda product: product.name
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda round_: round_.title
        self.fields["round"].help_text = _(
            "Các đợt đang mở của Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp tỉnh."
        )
        if not rounds.exists():
            self.fields["round"].help_text = _(
                "Chưa có đợt đánh giá nào đang mở: Sở Nông nghiệp và Môi trường lập đợt trước; "
                "hãy quay lại sau."
            )
        else:
            cutoffs = [
                _("%(round)s: xã gửi hồ sơ lên tỉnh đến hết %(day)s")
                % {
                    "round": round_.title,
                    "day": formats.date_format(round_.forward_by, "SHORT_DATE_FORMAT"),
                }
                for round_ in rounds
                if round_.forward_by
            ]
            if cutoffs:
                self.fields["round"].help_text = "; ".join(str(line) for line in cutoffs) + "."


class RegistrationForm(VersionedFormMixin, forms.Form):
    """The producer's part of Mẫu 01 that the registry does not hold: the samples."""

    samples = forms.IntegerField(
        label=_("Số sản phẩm mẫu sẽ nộp"),
        min_value=0,
        max_value=99,
        help_text=SAMPLES_HELP,
        error_messages={"required": _("Hãy ghi số sản phẩm mẫu."), **SAMPLES_ERRORS},
    )


class FileForm(forms.Form):
    """Filing the dossier with the commune, under the pledge of Mẫu 01."""

    pledge = forms.BooleanField(
        label=_(
            "Chủ thể cam đoan những thông tin trong hồ sơ là đúng sự thật, tuân thủ các quy định "
            "về đánh giá, phân hạng sản phẩm OCOP và chịu trách nhiệm trước Hội đồng và pháp luật "
            "về hồ sơ đăng ký."
        ),
        help_text=_(
            "Hồ sơ điện tử có giá trị pháp lý như hồ sơ giấy. Sau khi nộp, chủ thể không sửa "
            "được hồ sơ cho đến khi xã tiếp nhận hoặc trả lại."
        ),
        error_messages={"required": _("Hãy đánh dấu lời cam đoan trước khi nộp hồ sơ.")},
    )


class ResubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Ghi chú gửi Sở (không bắt buộc)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: tài liệu nào đã bổ sung, điều gì đã sửa theo yêu cầu."),
        validators=[multi_line],
    )


def producer_dossier(dossier: documents.Dossier) -> documents.Dossier:
    """The dossier as its producer reads and completes it: the items the producer provides,
    and the Department's requests for them (or in its own words); never the commune's or the
    province's papers."""
    entries = [e for e in dossier.entries if e.item.provided_by == documents.Provider.PRODUCER]
    hidden = {
        item.code
        for item in dossier.checklist.items
        if item.provided_by != documents.Provider.PRODUCER
    }
    return dataclasses.replace(
        dossier,
        entries=entries,
        present=[d for d in dossier.present if d.checklist_code not in hidden],
        others=[d for d in dossier.others if d.checklist_code not in hidden],
        removed=[d for d in dossier.removed if d.checklist_code not in hidden],
        open_requests=[r for r in dossier.open_requests if r.checklist_code not in hidden],
    )


class ProducerDocumentForm(DocumentForm):
    """The commune's upload form, offering the producer's items and the requests for them."""

    def __init__(self, *args, dossier: documents.Dossier, **kwargs):
        super().__init__(*args, dossier=producer_dossier(dossier), **kwargs)
        self.fields["target"].help_text = _(
            "Mục của danh mục hồ sơ, tài liệu Sở đề nghị bổ sung, hoặc tiêu chí của phiếu chấm "
            "mà tài liệu làm minh chứng."
        )
