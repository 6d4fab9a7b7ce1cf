"""The electronic dossier of an evaluation (hồ sơ điện tử): under 26/2026/QĐ-TTg it has the
legal value of the paper one.

- The checklist: what a dossier must hold, per legal basis and per kind of dossier (first
  recognition, upgrade, re-rating), held as data in ``evaluations/data/dossier_checklists/``.
  ``checklist_for(evaluation)`` lists its items with the documents attached to each;
  ``missing_required(evaluation)`` is what a guard asks before the dossier moves on.
- The documents: PDF and images only, checked and stored as every file of the portal
  (``core.uploads``: the type read from the content, at most ``OCOP_DOCUMENT_MAX_BYTES``, a
  random name), served only through the portal to those who see the evaluation. Nothing is
  deleted: a removal is recorded with who and when.
- The requests: the Department asks for what is missing (``request_documents``), usually with
  a return; an upload for the requested item (or chosen for the request) fulfils it.

Who may add, remove and ask is the policy's (``document.add``, ``document.remove``,
``document.request`` in core.policy); the statuses in which a dossier takes documents are
``OPEN_STATUSES`` here, which the policy reads by value.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy
from core.uploads import check_upload, digest
from evaluations.models import (
    Criterion,
    DocumentRequest,
    DossierDocument,
    Evaluation,
    Transition,
)
from products.models import Certificate

CHECKLISTS_DIR = Path(__file__).resolve().parent / "data" / "dossier_checklists"

S = Evaluation.Status

#: Statuses in which the dossier takes documents: not concluded, or proposed to the central
#: council (the province adds its 5-star documents). core.policy.DOSSIER_OPEN_STATUSES holds
#: the same values.
OPEN_STATUSES = (*Evaluation.OPEN_STATUSES, S.PROPOSED_CENTRAL)
#: Statuses in which the dossier is the 5-star one (Điều 6 khoản 3): the province's items count.
CENTRAL_STATUSES = (
    S.PROPOSED_CENTRAL,
    S.CENTRAL_RECOGNISED,
    S.CENTRAL_DECLINED,
    S.MINISTRY,
    S.MINISTRY_DECLINED,
)


class Provider(models.TextChoices):
    """Who provides a document of the dossier."""

    PRODUCER = "producer", _("Chủ thể OCOP")
    COMMUNE = "commune", _("UBND cấp xã")
    PROVINCE = "province", _("UBND cấp tỉnh, Sở Nông nghiệp và Môi trường")


class Stage(models.TextChoices):
    """The dossier sent to the province's council, or the 5-star one sent to the Ministry."""

    COUNCIL = "council", _("Hồ sơ đề nghị đánh giá, phân hạng cấp tỉnh")
    CENTRAL = "central", _("Hồ sơ đề nghị đánh giá, phân hạng 5 sao")


KINDS = tuple(Certificate.Kind.values)


# --- The checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One document the dossier holds under a legal basis."""

    code: str
    title: str
    required: bool
    provided_by: str
    reference: str
    condition: str = ""
    stage: str = Stage.COUNCIL
    kinds: tuple[str, ...] = KINDS

    @property
    def provider_label(self) -> str:
        return Provider(self.provided_by).label


@dataclass(frozen=True)
class Checklist:
    """The checklist of one file: the legal bases it answers for and its items."""

    name: str
    legal_bases: tuple[str, ...]
    title: str
    source: str
    reading: str
    items: tuple[Item, ...]
    fallback: bool = False

    def items_for(self, kind: str, stage: str = Stage.CENTRAL) -> list[Item]:
        """The items of a kind of dossier, up to a stage (the council's, or with the 5-star
        dossier's)."""
        stages = (Stage.COUNCIL,) if stage == Stage.COUNCIL else (Stage.COUNCIL, Stage.CENTRAL)
        return [item for item in self.items if kind in item.kinds and item.stage in stages]


def _load(path: Path) -> Checklist:
    data = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for raw in data["items"]:
        item = Item(
            code=raw["code"],
            title=raw["title"],
            required=bool(raw["required"]),
            provided_by=raw["provided_by"],
            reference=raw.get("reference", ""),
            condition=raw.get("condition", ""),
            stage=raw.get("stage", Stage.COUNCIL),
            kinds=tuple(raw.get("kinds", KINDS)),
        )
        problems = [
            *([f"provider {item.provided_by}"] if item.provided_by not in Provider.values else []),
            *([f"stage {item.stage}"] if item.stage not in Stage.values else []),
            *[f"kind {kind}" for kind in item.kinds if kind not in KINDS],
            *(["code too long"] if not 0 < len(item.code) <= 40 else []),
        ]
        if problems:
            raise ValueError(f"{path.name}: {item.code}: {', '.join(problems)}")
        items.append(item)
    codes = Counter(item.code for item in items)
    if repeated := [code for code, count in codes.items() if count > 1]:
        raise ValueError(f"{path.name}: repeated codes {repeated}")
    return Checklist(
        name=path.stem,
        legal_bases=tuple(data["legal_bases"]),
        title=data["title"],
        source=data["source"],
        reading=data.get("reading", ""),
        items=tuple(items),
        fallback=bool(data.get("fallback", False)),
    )


@cache
def checklists() -> tuple[Checklist, ...]:
    """Every checklist file; one of them is the fallback of a basis no file names."""
    loaded = tuple(_load(path) for path in sorted(CHECKLISTS_DIR.glob("*.json")))
    if sum(checklist.fallback for checklist in loaded) != 1:
        raise ValueError("exactly one dossier checklist must be the fallback")
    named = Counter(basis for checklist in loaded for basis in checklist.legal_bases)
    if repeated := [basis for basis, count in named.items() if count > 1]:
        raise ValueError(f"legal bases with two dossier checklists: {repeated}")
    return loaded


def checklist_of(basis_code: str) -> Checklist:
    """The checklist of a legal basis; a basis no file names (a decision newer than the
    portal's data) gets the fallback, the checklist of the law in force."""
    for checklist in checklists():
        if basis_code in checklist.legal_bases:
            return checklist
    return next(checklist for checklist in checklists() if checklist.fallback)


def stage_of(evaluation: Evaluation) -> str:
    return Stage.CENTRAL if evaluation.status in CENTRAL_STATUSES else Stage.COUNCIL


def items_for(evaluation: Evaluation, stage: str | None = None) -> list[Item]:
    """The checklist items of the evaluation's basis and kind, up to its stage (or `stage`)."""
    checklist = checklist_of(evaluation.criteria_set.legal_basis_id)
    return checklist.items_for(evaluation.kind, stage or stage_of(evaluation))


# --- The dossier as it stands --------------------------------------------------------------


@dataclass
class Entry:
    """An item of the checklist with the documents that answer it."""

    item: Item
    documents: list[DossierDocument] = field(default_factory=list)
    requests: list[DocumentRequest] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return bool(self.documents)

    @property
    def status(self) -> str:
        """One of STATUS_LABELS: satisfied, requested (the Department asked for it and it is
        still missing), missing (required), optional (nothing yet, not required)."""
        if self.satisfied:
            return "satisfied"
        if self.requests:
            return "requested"
        return "missing" if self.item.required else "optional"


STATUS_LABELS = {
    "satisfied": _("Đã có"),
    "requested": _("Sở đề nghị bổ sung"),
    "missing": _("Còn thiếu"),
    "optional": _("Nộp nếu có"),
}


@dataclass
class Dossier:
    evaluation: Evaluation
    checklist: Checklist
    stage: str
    entries: list[Entry]
    #: Present documents answering no item of the checklist (other documents, evidence).
    others: list[DossierDocument]
    #: Present documents that are evidence for a criterion, by criterion, in the sheet's order.
    by_criterion: dict[Criterion, list[DossierDocument]]
    removed: list[DossierDocument]
    open_requests: list[DocumentRequest]
    #: Every document still in the dossier, in the order added.
    present: list[DossierDocument] = field(default_factory=list)

    @property
    def carried(self) -> list[DossierDocument]:
        """The documents carried from the previous dossier and still in this one."""
        return [document for document in self.present if document.is_carried]

    @property
    def missing_required(self) -> list[Item]:
        return [e.item for e in self.entries if e.item.required and not e.satisfied]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(entry.status for entry in self.entries)
        return {status: counted.get(status, 0) for status in STATUS_LABELS}

    @property
    def free_requests(self) -> list[DocumentRequest]:
        """Open requests in the Department's own words (no item of the checklist)."""
        codes = {entry.item.code for entry in self.entries}
        return [r for r in self.open_requests if r.checklist_code not in codes]


def dossier(evaluation: Evaluation, stage: str | None = None) -> Dossier:
    """The evaluation's dossier against its checklist, in two queries."""
    stage = stage or stage_of(evaluation)
    checklist = checklist_of(evaluation.criteria_set.legal_basis_id)
    items = checklist.items_for(evaluation.kind, stage)
    documents = list(
        evaluation.documents.select_related(
            "added_by", "removed_by", "criterion__section__part", "carried_from__added_by"
        ).order_by("added_at", "pk")
    )
    requests = list(
        evaluation.document_requests.filter(fulfilled_at__isnull=True)
        .select_related("asked_by")
        .order_by("asked_at", "pk")
    )
    for document in documents:
        document.evaluation = evaluation  # its area, for the policy, without a query each
    present = [document for document in documents if not document.is_removed]
    by_code: dict[str, list[DossierDocument]] = defaultdict(list)
    for document in present:
        by_code[document.checklist_code].append(document)
    requested: dict[str, list[DocumentRequest]] = defaultdict(list)
    for request in requests:
        requested[request.checklist_code].append(request)
    entries = [
        Entry(item, by_code.get(item.code, []), requested.get(item.code, [])) for item in items
    ]
    codes = {item.code for item in items}
    by_criterion: dict[Criterion, list[DossierDocument]] = defaultdict(list)
    for document in present:
        if document.criterion_id:
            by_criterion[document.criterion].append(document)
    ordered = sorted(
        by_criterion.items(),
        key=lambda pair: (
            pair[0].section.part.order,
            pair[0].section.order,
            pair[0].order,
            pair[0].code,
        ),
    )
    return Dossier(
        evaluation=evaluation,
        checklist=checklist,
        stage=stage,
        entries=entries,
        others=[d for d in present if d.checklist_code not in codes and not d.criterion_id],
        by_criterion=dict(ordered),
        removed=[document for document in documents if document.is_removed],
        open_requests=requests,
        present=present,
    )


def checklist_for(evaluation: Evaluation, stage: str | None = None) -> list[Entry]:
    """The checklist items of the evaluation's kind with the documents attached to each and
    whether each is satisfied (``entry.satisfied``, ``entry.status``)."""
    return dossier(evaluation, stage).entries


def missing_required(evaluation: Evaluation, stage: str | None = None) -> list[Item]:
    """The required items the dossier lacks, up to its stage (``Stage.COUNCIL`` before it is
    sent to the province's council, ``Stage.CENTRAL`` before the 5-star proposal): a guard
    forwards the dossier only when this is empty."""
    return dossier(evaluation, stage).missing_required


def summary(evaluation: Evaluation) -> Dossier:
    """What the summary include shows (``counts``, ``missing_required``, ``open_requests``)."""
    return dossier(evaluation)


# --- Uploads ----------------------------------------------------------------------------------
# Checked, stored and limited as every file of the portal is (core.uploads).


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update()
        .select_related("criteria_set", "product__producer__area")
        .get(pk=evaluation.pk)
    )


def add_document(
    *,
    evaluation: Evaluation,
    upload,
    by,
    title: str = "",
    checklist_code: str = "",
    criterion: Criterion | None = None,
    request: DocumentRequest | None = None,
    replaces: DossierDocument | None = None,
) -> DossierDocument:
    """Add a file to the dossier (for an item of the checklist, a criterion of the sheet, a
    request of the Department, or none of these) and fulfil the open requests it answers.
    The file is written to storage under a random name; if the row is not saved, the file is
    deleted again. With `replaces` (a document of the dossier for the same item, typically one
    carried from the previous dossier), that one is removed as ``remove_document`` does, in
    the same transaction."""
    with transaction.atomic():
        evaluation = _locked(evaluation)
        policy.require(by, "document.add", evaluation)
        items = {item.code: item for item in items_for(evaluation, Stage.CENTRAL)}
        errors: dict[str, list] = defaultdict(list)
        if request is not None:
            if request.evaluation_id != evaluation.pk or not request.is_open:
                errors["request"].append(_("Đề nghị bổ sung này không còn mở."))
            elif request.checklist_code and not checklist_code:
                checklist_code = request.checklist_code
        if checklist_code and checklist_code not in items:
            errors["checklist_code"].append(_("Mục này không có trong danh mục hồ sơ."))
        if criterion is not None and criterion.section.part.criteria_set_id != (
            evaluation.criteria_set_id
        ):
            errors["criterion"].append(_("Tiêu chí này không thuộc phiếu chấm của hồ sơ."))
        try:
            content_type = check_upload(upload)
        except ValidationError as error:
            errors["file"].extend(error.error_list)
        title = " ".join((title or "").split())[:255]
        if not title:
            title = (
                items[checklist_code].title
                if checklist_code in items
                else request.title
                if request is not None
                else f"{criterion.code} {criterion.text}"[:255]
                if criterion is not None
                else ""
            )
        if not title:
            errors["title"].append(_("Hãy ghi tên tài liệu."))
        if replaces is not None:
            if replaces.evaluation_id != evaluation.pk or replaces.is_removed:
                errors["replaces"].append(_("Tài liệu cần thay không còn trong hồ sơ."))
            elif (replaces.checklist_code, replaces.criterion_id) != (
                checklist_code,
                criterion.pk if criterion is not None else None,
            ):
                errors["checklist_code"].append(
                    _("Tài liệu thay phải dùng cho cùng mục với tài liệu “%(title)s”.")
                    % {"title": replaces.title}
                )
        if errors:
            raise ValidationError(dict(errors))
        if replaces is not None:
            # Removed first: a request the old one answered is open again, and the new one
            # answers it below.
            remove_document(document=replaces, by=by)
        document = DossierDocument(
            evaluation=evaluation,
            checklist_code=checklist_code,
            criterion=criterion,
            title=title,
            content_type=content_type,
            size=upload.size,
            sha256=digest(upload),
            added_by=by,
        )
        document.file.save("upload", upload, save=False)
        try:
            with transaction.atomic():
                document.save()
                now = timezone.now()
                answered = models.Q(pk=request.pk) if request is not None else models.Q(pk=None)
                if checklist_code:
                    answered |= models.Q(checklist_code=checklist_code)
                evaluation.document_requests.filter(answered, fulfilled_at__isnull=True).update(
                    fulfilled_at=now, fulfilled_by=document, updated_at=now
                )
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def remove_document(*, document: DossierDocument, by) -> DossierDocument:
    """Take a document out of the dossier: the row and the file stay, with who removed it and
    when. A request it fulfilled is open again."""
    with transaction.atomic():
        document = (
            DossierDocument.objects.select_for_update()
            .select_related("evaluation__product__producer__area")
            .get(pk=document.pk)
        )
        policy.require(by, "document.remove", document)
        if document.is_removed:
            raise ValidationError(_("Tài liệu này đã được gỡ khỏi hồ sơ."))
        now = timezone.now()
        document.removed_at, document.removed_by = now, by
        document.save(update_fields=["removed_at", "removed_by", "updated_at"])
        document.fulfils.update(fulfilled_at=None, fulfilled_by=None, updated_at=now)
    return document


# --- Requests ----------------------------------------------------------------------------------


def request_choices(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(code, title) of the checklist items of the dossier's kind: what a return form offers
    to ask for."""
    return [(item.code, item.title) for item in items_for(evaluation)]


def open_requests(evaluation: Evaluation):
    """The Department's requests the dossier has not yet answered, oldest first."""
    return (
        evaluation.document_requests.filter(fulfilled_at__isnull=True)
        .select_related("asked_by")
        .order_by("asked_at", "pk")
    )


def request_documents(
    *,
    evaluation: Evaluation,
    items,
    note: str = "",
    by,
    transition: Transition | None = None,
    due_on=None,
) -> list[DocumentRequest]:
    """Ask for documents: each of `items` is a checklist code of the dossier's kind or a
    title in the Department's own words, by `due_on` if given. What is already asked and
    still open is not asked twice. Returns the requests made."""
    policy.require(by, "document.request", evaluation)
    if transition is not None and transition.evaluation_id != evaluation.pk:
        raise ValidationError(_("Bước xử lý này không thuộc hồ sơ."))
    checklist = {item.code: item for item in items_for(evaluation, Stage.CENTRAL)}
    made = []
    with transaction.atomic():
        _locked(evaluation)
        asked = {(r.checklist_code, r.title) for r in open_requests(evaluation)}
        asked_codes = {code for code, _title in asked if code}
        for value in items:
            value = " ".join(str(value).split())
            if not value:
                continue
            if value in checklist:
                code, title = value, checklist[value].title
                if code in asked_codes:
                    continue
            else:
                code, title = "", value[:255]
                if (code, title) in asked:
                    continue
            made.append(
                DocumentRequest.objects.create(
                    evaluation=evaluation,
                    checklist_code=code,
                    title=title,
                    note=note.strip(),
                    asked_by=by,
                    transition=transition,
                    due_on=due_on,
                )
            )
            asked.add((code, title))
            asked_codes.add(code)
    return made
