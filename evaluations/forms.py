from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core.forms import VersionedFormMixin
from core.text import multi_line, single_line
from evaluations import carried
from evaluations import documents as dossier_documents
from evaluations.models import CouncilMember, Evaluation, Round
from evaluations.scoring import SheetStructure
from products.models import Certificate, Product


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvaluationCreateForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=Product.objects.none())
    round = forms.ModelChoiceField(label=_("Đợt đánh giá"), queryset=Round.objects.none())
    kind = forms.ChoiceField(
        label=_("Hình thức"), choices=Certificate.Kind.choices, initial=Certificate.Kind.NEW
    )
    filed_on = DateField(
        label=_("Ngày tiếp nhận hồ sơ"),
        required=False,
        help_text=_(
            "Ngày Ủy ban nhân dân cấp xã nhận hồ sơ của chủ thể (để trống: hôm nay): căn cứ "
            "pháp lý và hạn 15 ngày làm việc tính từ ngày này."
        ),
    )
    samples = forms.IntegerField(
        label=_("Số sản phẩm mẫu đã nhận"),
        required=False,
        min_value=0,
        max_value=99,
        initial=5,
        help_text=_("05 sản phẩm mẫu; dịch vụ du lịch cộng đồng, du lịch sinh thái: 0."),
        error_messages={"min_value": _("Số sản phẩm mẫu không âm.")},
    )

    carry = forms.BooleanField(
        label=_("Bắt đầu từ hồ sơ trước của sản phẩm"),
        required=False,
        initial=True,
        help_text=_(
            "Nâng hạng, đánh giá lại: tài liệu điện tử và báo cáo tự đánh giá của hồ sơ trước "
            "được chuyển sang hồ sơ mới (dùng lại tệp đã lưu), cán bộ thay những gì đã thay "
            "đổi. Bỏ chọn để lập hồ sơ trống."
        ),
    )

    def clean_samples(self):
        return self.cleaned_data.get("samples") or 0

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("filed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["product"].queryset = (
            Product.objects.visible_to(user)
            .select_related("producer__area")
            .order_by("search_name", "pk")
        )
        self.fields["product"].label_from_instance = lambda product: (
            f"{product.name} — {product.producer.name}"
        )
        self.fields["round"].queryset = (
            Round.objects.visible_to(user).open_on(today).select_related("area")
        )
        self.fields["round"].label_from_instance = lambda round: round.title
        self.fields["round"].help_text = _("Các đợt đang mở của hội đồng phụ trách địa bàn.")
        if not self.fields["round"].queryset.exists():
            self.fields["round"].help_text = _(
                "Chưa có đợt đánh giá nào đang mở: Sở Nông nghiệp và Môi trường lập đợt trước."
            )
        product = self._product()
        #: The dossier an upgrade or re-rating of the chosen product starts from.
        self.source = carried.source_for(product) if product is not None else None
        if self.source is not None:
            self.fields["carry"].label = _("Bắt đầu từ hồ sơ %(source)s") % {
                "source": carried.label(self.source)
            }
        elif product is not None:
            self.fields["carry"].help_text = _(
                "Cổng chưa có hồ sơ trước của sản phẩm này: hồ sơ mới bắt đầu trống."
            )

    def _product(self):
        """The product when it is known: chosen on the page before, or posted."""
        raw = self.data.get("product") if self.is_bound else self.initial.get("product")
        if isinstance(raw, Product):
            return raw
        if str(raw or "").isdigit():
            return self.fields["product"].queryset.filter(pk=raw).first()
        return None


class ScoreSheetForm(forms.Form):
    """One radio group per criterion (``c<id>``), the version read, and for a correction of a
    recognised evaluation, the reason. Keeps every choice posted, valid or not."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, structure: SheetStructure, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        for criterion in structure.criteria.values():
            self.fields[f"c{criterion.id}"] = forms.TypedChoiceField(
                label=f"{criterion.code} {criterion.text}",
                choices=[(option.id, option.text) for option in criterion.options],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Mức đạt này không thuộc tiêu chí; hãy chọn lại.")
                },
            )
        if correcting:
            self.fields["reason"] = forms.CharField(
                label=_("Lý do sửa (bắt buộc, được lưu lại)"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Hồ sơ đã công nhận: mọi thay đổi được ghi vào lịch sử kèm lý do."),
                error_messages={
                    "required": _("Hãy ghi lý do sửa phiếu chấm của hồ sơ đã công nhận.")
                },
                validators=[multi_line],
            )

    def choices(self) -> dict[int, int]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("c") and value not in (None, "")
        }

    def posted_choices(self) -> dict[int, int]:
        """What was posted, valid or not, so a refused form shows exactly what was chosen."""
        chosen = {}
        for criterion_id in self.structure.criteria:
            raw = self.data.get(f"c{criterion_id}")
            if raw and str(raw).isdigit():
                chosen[criterion_id] = int(raw)
        return chosen


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )


class ReturnForm(forms.Form):
    """The reason, and the documents the dossier must add: items of its legal checklist, or
    others named one per line."""

    takes_evaluation = True

    comment = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cán bộ địa phương thấy ý kiến này trong hồ sơ."),
        error_messages={"required": _("Hãy ghi lý do trả lại để cán bộ địa phương bổ sung.")},
        validators=[multi_line],
    )
    documents = forms.MultipleChoiceField(
        label=_("Tài liệu cần bổ sung"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_documents = forms.CharField(
        label=_("Tài liệu khác cần bổ sung (mỗi dòng một tài liệu)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: Phiếu kiểm nghiệm dư lượng thuốc bảo vệ thực vật."),
        validators=[multi_line],
    )
    due_on = DateField(
        label=_("Hạn bổ sung tài liệu"),
        required=False,
        help_text=_(
            "Ngày cuối cùng xã (và chủ thể, với hồ sơ nộp trực tuyến) nộp các tài liệu đề nghị "
            "bổ sung; để trống nếu không ấn định."
        ),
    )

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = dossier_documents.request_choices(evaluation) if evaluation is not None else []
        self.fields["documents"].choices = choices
        if not choices:
            del self.fields["documents"]

    def clean(self):
        cleaned = super().clean()
        others = [line.strip() for line in (cleaned.pop("other_documents", "") or "").splitlines()]
        cleaned["documents"] = [*cleaned.get("documents", []), *filter(None, others)]
        return cleaned


class ReceiveForm(forms.Form):
    """The commune receives a dossier its producer filed online: the samples it counted."""

    takes_evaluation = True

    samples = forms.IntegerField(
        label=_("Số sản phẩm mẫu đã nhận"),
        required=False,
        min_value=0,
        max_value=99,
        help_text=_("Để trống: số chủ thể ghi trong phiếu đăng ký."),
        error_messages={"min_value": _("Số sản phẩm mẫu không âm.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evaluation is not None:
            self.fields["samples"].widget.attrs["placeholder"] = evaluation.samples


class ReturnToProducerForm(forms.Form):
    comment = forms.CharField(
        label=_("Lý do trả lại cho chủ thể"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Hồ sơ chưa đầy đủ, chưa hợp lệ: ghi rõ chủ thể cần bổ sung gì. Chủ thể thấy lý do "
            "này, bổ sung và nộp lại trên cổng."
        ),
        error_messages={"required": _("Hãy ghi lý do trả lại để chủ thể bổ sung hồ sơ.")},
        validators=[multi_line],
    )


class RemarkForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến của Sở"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ghi vào quá trình xử lý hồ sơ; xã và các bước sau đều thấy."),
        error_messages={"required": _("Hãy ghi ý kiến.")},
        validators=[multi_line],
    )


class AdvisoryForm(VersionedFormMixin, forms.Form):
    """The Tổ tư vấn's review and site survey."""

    survey_on = DateField(label=_("Ngày khảo sát thực tế"), required=False)
    advisory_findings = forms.CharField(
        label=_("Kết quả thẩm định hồ sơ, khảo sát thực tế"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy ghi kết quả thẩm định, khảo sát.")},
        validators=[multi_line],
    )
    lab_tests_requested = forms.CharField(
        label=_("Đề nghị kiểm nghiệm bổ sung (nếu có)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )


class MinistryDeclineForm(forms.Form):
    ministry_score = forms.DecimalField(
        label=_("Điểm của Hội đồng Trung ương"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "required": _("Hãy ghi điểm của Hội đồng Trung ương."),
            "invalid": _("Điểm là một số từ 0 đến 100, ví dụ 86,5."),
        },
    )
    comment = forms.CharField(
        label=_("Kết quả, văn bản thông báo của Bộ"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi kết quả của Bộ Nông nghiệp và Môi trường.")},
        validators=[multi_line],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ministry_score"].localize = True
        self.fields["ministry_score"].widget.is_localized = True


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "3787/QĐ-UBND"}),
        validators=[single_line],
    )
    decision_date = DateField(label=_("Ngày quyết định"))
    signer = forms.CharField(
        label=_("Người ký"),
        max_length=150,
        help_text=_("Họ tên và chức vụ, ví dụ: Phó Chủ tịch Ủy ban nhân dân cấp tỉnh."),
        validators=[single_line],
    )
    comment = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("decision_date", timezone.localdate())
        super().__init__(*args, **kwargs)


class DisqualifyForm(forms.Form):
    """The conditions of the sheet's "Hồ sơ bị loại khi…" that the dossier meets, and what was
    found; one or the other is needed."""

    takes_evaluation = True

    reasons = forms.MultipleChoiceField(
        label=_("Hồ sơ bị loại khi"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Lý do, điều đã phát hiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        listed = evaluation.criteria_set.disqualifiers
        self.fields["reasons"].choices = [(reason, reason) for reason in listed]
        if not listed:
            del self.fields["reasons"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("reasons") and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment", _("Hãy chọn trường hợp hồ sơ bị loại hoặc ghi lý do loại hồ sơ.")
            )
        return cleaned


class DivergenceForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do Chủ tịch hội đồng giữ kết quả chấm"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi lý do Chủ tịch hội đồng giữ kết quả chấm.")},
    )


class CentralDeclineForm(forms.Form):
    comment = forms.CharField(
        label=_("Kết quả của Hội đồng Trung ương"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi kết quả của Hội đồng Trung ương.")},
        validators=[multi_line],
    )


class CorrectDecisionForm(VersionedFormMixin, forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định"), max_length=40, validators=[single_line]
    )
    decision_date = DateField(label=_("Ngày quyết định"))
    signer = forms.CharField(label=_("Người ký"), max_length=150, validators=[single_line])
    reason = forms.CharField(
        label=_("Lý do sửa (bắt buộc, được lưu lại)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do sửa.")},
        validators=[multi_line],
    )


class RoundRecogniseForm(DecisionForm):
    evaluations = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ được công nhận"),
        queryset=Evaluation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một hồ sơ.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].queryset = candidates
        self.fields["evaluations"].label_from_instance = lambda evaluation: str(evaluation.product)


class RoundForm(VersionedFormMixin, forms.ModelForm):
    opens_on = DateField(label=_("Ngày mở"))
    closes_on = DateField(
        label=_("Ngày kết thúc"),
        required=False,
        help_text=_("Để trống nếu chưa ấn định. Sau ngày này hồ sơ và phiếu chấm của đợt bị khóa."),
    )
    forward_by = DateField(
        label=_("Hạn xã gửi hồ sơ lên cấp tỉnh"),
        required=False,
        help_text=Round._meta.get_field("forward_by").help_text,
    )
    decide_by = DateField(
        label=_("Hạn quyết định công nhận"),
        required=False,
        help_text=Round._meta.get_field("decide_by").help_text,
    )

    class Meta:
        model = Round
        fields = [
            "level",
            "area",
            "year",
            "number",
            "opens_on",
            "closes_on",
            "is_extra",
            "forward_by",
            "decide_by",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.visible_to(user).filter(
            kind__in=[
                Area.Kind.PROVINCE,
                Area.Kind.CENTRAL_CITY,
                Area.Kind.URBAN_DISTRICT,
                Area.Kind.RURAL_DISTRICT,
                Area.Kind.TOWN,
                Area.Kind.CITY,
            ]
        )
        self.fields["area"].queryset = areas.order_by("path")
        self.fields["area"].label_from_instance = lambda area: area.full_name
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.update(year=today.year, opens_on=today, level=Round.RoundLevel.CITY)
        # The cut-offs the rule gave the round as it was: moved with its dates unless set by hand.
        old = self.instance
        self._ruled_cutoffs = (
            Round.default_cutoffs(old.opens_on, old.closes_on)
            if old.pk and not old.is_extra
            else None
        )

    def clean(self):
        cleaned = super().clean()
        dates_moved = {"opens_on", "closes_on"} & set(self.changed_data)
        if (
            self._ruled_cutoffs
            and dates_moved
            and not cleaned.get("is_extra")
            and (cleaned.get("forward_by"), cleaned.get("decide_by")) == self._ruled_cutoffs
        ):
            cleaned["forward_by"] = cleaned["decide_by"] = None
        return cleaned


class CouncilMemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = ["name", "role", "organisation"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("DELETE") and self.instance.sheets.exists():
            raise ValidationError(
                _("Thành viên này đã có phiếu chấm, không xóa khỏi hội đồng được.")
            )
        return cleaned


CouncilMemberFormSet = forms.inlineformset_factory(
    Round,
    CouncilMember,
    form=CouncilMemberForm,
    extra=2,
    can_delete=True,
    min_num=1,
    validate_min=True,
)
