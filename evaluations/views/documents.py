"""The electronic dossier's pages: the checklist with its documents and the upload form, a
document's download (through the portal, never from a public address), its removal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core import policy
from core.forms import add_errors
from core.submissions import submit_once
from core.uploads import (
    ACCEPT_ATTRIBUTE,
    CheckedUploadsMixin,
    attachment_response,
    format_size,
    limits_uploads,
    max_bytes,
)
from evaluations import carried, documents
from evaluations.models import Criterion, DossierDocument, Evaluation


def _visible(user):
    return Evaluation.objects.visible_to(user).select_related(
        "product__producer__area",
        "round__area",
        "criteria_set__legal_basis",
        "carried_from__round__area",
    )


class DocumentForm(CheckedUploadsMixin, forms.Form):
    """One file for the dossier: what it answers (an item of the checklist, a request of the
    Department, a criterion of the sheet, or something else), its title and the file."""

    OTHER = "other"

    target = forms.ChoiceField(
        label=gettext_lazy("Tài liệu cho"),
        error_messages={
            "required": gettext_lazy("Hãy chọn tài liệu này dùng cho mục nào."),
            "invalid_choice": gettext_lazy("Mục đã chọn không còn trong danh sách."),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Tên tài liệu"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Để trống thì dùng tên của mục đã chọn."),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp"),
        help_text=gettext_lazy("PDF hoặc ảnh (PNG, JPEG, WebP), tối đa %(limit)s."),
        # A hint for the file picker only: the type is read from the file's content.
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": gettext_lazy("Hãy chọn tệp để tải lên."),
            "empty": gettext_lazy("Tệp rỗng: hãy chọn lại tệp."),
            "invalid": gettext_lazy("Không đọc được tệp: hãy chọn lại tệp."),
        },
    )
    #: The document this upload replaces (one carried from the previous dossier), if any.
    replaces = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dossier: documents.Dossier, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "limit": format_size(max_bytes())
        }
        self.items = {entry.item.code: entry.item for entry in dossier.entries}
        self.requests = {str(r.pk): r for r in dossier.free_requests}
        self.criteria = {str(c.pk): c for c in criteria}
        self.present = {str(document.pk): document for document in dossier.present}
        raw = self.data.get("replaces") if self.is_bound else self.initial.get("replaces")
        #: The document being replaced, shown above the form.
        self.replacing = self.present.get(str(raw or ""))
        choices = [("", _("— Chọn mục —"))]
        if self.requests:
            choices.append(
                (
                    _("Sở đề nghị bổ sung"),
                    [(f"request-{pk}", r.title) for pk, r in self.requests.items()],
                )
            )
        choices.append(
            (
                _("Danh mục hồ sơ"),
                [
                    (f"item-{code}", f"{item.title}{' *' if item.required else ''}")
                    for code, item in self.items.items()
                ],
            )
        )
        if self.criteria:
            choices.append(
                (
                    _("Minh chứng cho tiêu chí"),
                    [
                        (f"criterion-{pk}", f"{c.code} {c.text}"[:120])
                        for pk, c in self.criteria.items()
                    ],
                )
            )
        choices.append((self.OTHER, _("Tài liệu khác")))
        self.fields["target"].choices = choices

    def target_of(self, document: DossierDocument) -> str:
        """The choice of `target` the document answers."""
        if document.checklist_code in self.items:
            return f"item-{document.checklist_code}"
        if document.criterion_id and str(document.criterion_id) in self.criteria:
            return f"criterion-{document.criterion_id}"
        return self.OTHER

    def clean_replaces(self):
        raw = self.cleaned_data.get("replaces") or ""
        if raw and raw not in self.present:
            raise ValidationError(_("Tài liệu cần thay không còn trong hồ sơ."))
        return self.present.get(raw)

    def service_arguments(self) -> dict:
        """The target as the service's arguments."""
        kind, _sep, key = self.cleaned_data["target"].partition("-")
        return {
            "title": self.cleaned_data.get("title", ""),
            "checklist_code": key if kind == "item" else "",
            "criterion": self.criteria.get(key) if kind == "criterion" else None,
            "request": self.requests.get(key) if kind == "request" else None,
            "replaces": self.cleaned_data.get("replaces"),
        }


def _criteria(evaluation: Evaluation):
    return (
        Criterion.objects.filter(section__part__criteria_set=evaluation.criteria_set_id)
        .select_related("section__part")
        .order_by("section__part__order", "section__order", "order", "code")
    )


def page_context(evaluation: Evaluation, *, dossier, form, may_add) -> dict:
    """What the dossier's documents page shows, the commune's or the producer's."""
    source = evaluation.carried_from
    return {
        "evaluation": evaluation,
        "dossier": dossier,
        "form": form,
        "may_add": may_add,
        "status_labels": documents.STATUS_LABELS,
        "max_size": format_size(max_bytes()),
        "carried_source": carried.label(source) if source else "",
    }


def _page(request, evaluation, *, form=None, status=200) -> HttpResponse:
    dossier = documents.dossier(evaluation)
    may_add = policy.can(request.user, "document.add", evaluation)
    if form is None and may_add:
        form = DocumentForm(dossier=dossier, criteria=_criteria(evaluation))
        replacing = form.present.get(request.GET.get("replace", ""))
        if replacing is not None and policy.can(request.user, "document.remove", replacing):
            form = DocumentForm(
                initial={"target": form.target_of(replacing), "replaces": replacing.pk},
                dossier=dossier,
                criteria=form.criteria.values(),
            )
    source = evaluation.carried_from
    context = page_context(evaluation, dossier=dossier, form=form, may_add=may_add)
    context["documents_left"] = carried.documents_left(source) if source else []
    return render(request, "evaluations/documents.html", context, status=status)


@require_safe
@login_required
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(_visible(request.user), pk=pk)
    return _page(request, evaluation)


@require_POST
@login_required
@limits_uploads  # the size limit is in place before the body is read; CSRF checked after it
def document_upload(request: HttpRequest, pk: int, *, oversized) -> HttpResponse:
    evaluation = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, "document.add", evaluation)
    return upload(request, evaluation=evaluation, oversized=oversized)


@submit_once
def upload(
    request: HttpRequest,
    *,
    evaluation: Evaluation,
    oversized,
    form_class=DocumentForm,
    page=_page,
    done: str = "evaluations:documents",
) -> HttpResponse:
    """Add the posted file to the dossier (replacing the one it names), then back to ``done``;
    a refused file goes back to ``page`` with its reason next to the field. The commune's and
    the producer's uploads, each with its own form and page."""
    form = form_class(
        request.POST,
        request.FILES,
        dossier=documents.dossier(evaluation),
        criteria=_criteria(evaluation),
        oversized=oversized,
    )
    if form.is_valid():
        try:
            document = documents.add_document(
                evaluation=evaluation,
                upload=form.cleaned_data["file"],
                by=request.user,
                **form.service_arguments(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                # The document replaced is a hidden field: its refusal goes above the form.
                fields = {name: name for name in form.fields if name != "replaces"}
                error = ValidationError(
                    {
                        fields.get(
                            name, NON_FIELD_ERRORS if name == "replaces" else "target"
                        ): value
                        for name, value in error.error_dict.items()
                    }
                )
            add_errors(form, error)
        else:
            replaced = form.cleaned_data.get("replaces")
            if replaced is not None:
                messages.success(
                    request,
                    _("Đã thay tài liệu “%(old)s” bằng “%(title)s”; tài liệu cũ vẫn được lưu.")
                    % {"old": replaced.title, "title": document.title},
                )
            else:
                messages.success(
                    request,
                    _("Đã thêm tài liệu “%(title)s” vào hồ sơ.") % {"title": document.title},
                )
            return redirect(done, evaluation.pk)
    return page(request, evaluation, form=form)


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The file, as an attachment of its stored type, to those who see the evaluation."""
    document = get_object_or_404(
        DossierDocument.objects.visible_to(request.user), pk=document_pk, evaluation_id=pk
    )
    return attachment_response(document)


@require_POST
@login_required
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = get_object_or_404(
        DossierDocument.objects.visible_to(request.user).select_related("evaluation"),
        pk=document_pk,
        evaluation_id=pk,
    )
    return remove(request, document, done="evaluations:documents")


def remove(request: HttpRequest, document: DossierDocument, *, done: str) -> HttpResponse:
    """Take the document out of its dossier (kept, with who and when), if the policy lets the
    user, then back to ``done``; for the commune's and the producer's pages."""
    policy.require(request.user, "document.remove", document)
    try:
        documents.remove_document(document=document, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã gỡ tài liệu “%(title)s” khỏi hồ sơ.") % {"title": document.title}
        )
    return redirect(done, document.evaluation_id)
