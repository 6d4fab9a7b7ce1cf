"""The forms of the commune's step (evaluations.dossier): the producer's self-assessment
(Mẫu 02 Phần III) and the commune's report (Mẫu 03)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import multi_line, single_line
from evaluations import dossier
from evaluations.forms import DateField
from evaluations.models import Evaluation
from evaluations.scoring import SheetStructure

EVIDENCE_MAX_LENGTH = 5000


class SelfAssessmentForm(VersionedFormMixin, forms.Form):
    """Per criterion of the sheet: the option the producer claims (``c<id>``, optional) and the
    evidence they describe (``e<id>``); the version of the dossier read."""

    def __init__(self, *args, structure: SheetStructure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        for criterion in structure.criteria.values():
            self.fields[f"c{criterion.id}"] = forms.TypedChoiceField(
                label=f"{criterion.code} {criterion.text}",
                choices=[("", _("— Chưa tự chấm —"))]
                + [(option.id, option.text) for option in criterion.options],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={
                    "invalid_choice": _("Mức đạt này không thuộc tiêu chí; hãy chọn lại.")
                },
            )
            self.fields[f"e{criterion.id}"] = forms.CharField(
                label=_("Mô tả, tài liệu minh chứng"),
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                validators=[multi_line],
                error_messages={
                    "max_length": _("Phần mô tả dài quá %(limit)s ký tự.")
                    % {"limit": f"{EVIDENCE_MAX_LENGTH:,}".replace(",", ".")}
                },
            )

    def choices(self) -> dict[int, int | None]:
        return {cid: self.cleaned_data.get(f"c{cid}") for cid in self.structure.criteria}

    def evidence(self) -> dict[int, str]:
        return {cid: self.cleaned_data.get(f"e{cid}", "") for cid in self.structure.criteria}

    def posted_choices(self) -> dict[int, int | None]:
        """What was posted, valid or not, so that a refused form shows it as chosen."""
        chosen = {}
        for cid in self.structure.criteria:
            raw = self.data.get(f"c{cid}")
            chosen[cid] = int(raw) if raw and str(raw).isdigit() else None
        return chosen


class PreassessmentForm(VersionedFormMixin, forms.ModelForm):
    """The commune's report (Mẫu 03): the four contents with the decision's hint under each,
    the letter asking the province to evaluate, the report's day, and the samples received."""

    preassessed_on = DateField(label=_("Ngày ban hành báo cáo (Mẫu 03)"), required=False)

    class Meta:
        model = Evaluation
        fields = list(dossier.PREASSESSMENT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in dossier.CONTENTS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in enumerate(dossier.CONTENTS, start=1):
            field = self.fields[name]
            field.label = f"{number}. {dossier.CONTENT_LABELS[name]}"
            field.help_text = dossier.CONTENT_HINTS[name]
            field.validators.append(multi_line)
        self.fields["commune_letter"].validators.append(single_line)
        self.fields["commune_letter"].label = _("Số văn bản đề nghị tỉnh đánh giá, phân hạng")
        samples = self.fields["samples"]
        samples.label = _("Số sản phẩm mẫu đã nhận")
        samples.error_messages.update(
            {
                "invalid": _("Số sản phẩm mẫu là một số nguyên."),
                "min_value": _("Số sản phẩm mẫu không thể âm."),
            }
        )
        if not dossier.needs_samples(self.instance):
            samples.help_text = _(
                "Bộ sản phẩm dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch: "
                "không gửi sản phẩm mẫu."
            )
        else:
            samples.help_text = _("Hồ sơ gửi tỉnh kèm 05 sản phẩm mẫu (Điều 6 khoản 2 điểm d).")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in dossier.PREASSESSMENT_FIELDS}
