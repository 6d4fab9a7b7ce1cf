"""An upgrade (nâng hạng) or re-rating (đánh giá lại) dossier starts from the product's previous
one instead of from nothing: its electronic documents and the producer's self-assessment
(Mẫu 02) are carried over, each marked as carried, and the officers replace what has changed.

- The previous dossier: the evaluation that produced the certificate being upgraded or renewed,
  else the product's latest concluded evaluation holding documents or a self-assessment.
- Documents: a new row of the new dossier pointing at the same stored file (files are never
  deleted, so both rows keep it), for the same item of the checklist where the new dossier's
  checklist has it, else as another document. What the commune or the province wrote for the
  previous procedure (its letters, reports, decisions) is not carried: each dossier has its
  own, and they are listed as not carried.
- Self-assessment: an answer carries over to the new dossier's sheet where that sheet has the
  same criterion: the same row on the same sheet; on another sheet (another product set, a
  later decision), the criterion of the same code in the same part with the same wording (or,
  renumbered, the one criterion of the part with that wording), and the option of the same
  wording. The evidence carries with the criterion; what cannot be mapped is listed
  ("không chuyển được: …"), never silently dropped.

``carry_over`` runs inside ``services.evaluation_create``'s transaction and does nothing the
second time; ``report`` is what the pages show about it afterwards."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from evaluations import documents
from evaluations.models import DossierDocument, Evaluation, SelfAssessment
from evaluations.scoring import SheetStructure
from products.models import Certificate

#: The kinds of dossier that start from the previous one.
KINDS = (Certificate.Kind.UPGRADE, Certificate.Kind.RENEWAL)


# --- The previous dossier ----------------------------------------------------------------------


def _holds_something():
    return Exists(DossierDocument.objects.filter(evaluation=OuterRef("pk"))) | Exists(
        SelfAssessment.objects.filter(evaluation=OuterRef("pk"))
    )


def source_for(
    product, previous_certificate: Certificate | None = None, *, exclude: int | None = None
) -> Evaluation | None:
    """The dossier a new upgrade or re-rating dossier of `product` starts from: the evaluation
    that produced `previous_certificate` (the product's latest certificate if not given), else
    the product's latest concluded evaluation with documents or a self-assessment; None when
    the portal holds no such dossier."""
    if previous_certificate is None:
        previous_certificate = product.certificates.order_by("-decision_date", "-pk").first()
    concluded = (
        Evaluation.objects.filter(product=product)
        .exclude(status__in=Evaluation.OPEN_STATUSES)
        .exclude(pk=exclude)
        .filter(_holds_something())
        .select_related("round__area", "criteria_set__legal_basis")
    )
    if previous_certificate is not None:
        produced = concluded.filter(
            Q(certificate=previous_certificate) | Q(central_certificate=previous_certificate)
        ).first()
        if produced is not None:
            return produced
    return concluded.order_by("-created_at", "-pk").first()


def label(evaluation: Evaluation) -> str:
    """How a dossier is named to the officer: its registration number (Mẫu 01), else its
    round and the day it was received (or opened)."""
    if evaluation.registration_number:
        return evaluation.registration_number
    day = evaluation.filed_on or timezone.localdate(evaluation.created_at)
    return _("%(round)s, ngày %(day)s") % {
        "round": evaluation.round.title,
        "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
    }


# --- Mapping one sheet onto another ------------------------------------------------------------


def _words(text: str) -> str:
    """Wording compared across sheets: case, spacing (before punctuation too, "hữu cơ, ..."
    and "hữu cơ,...") and a final full stop do not count."""
    text = re.sub(r"\s+", " ", text or "")
    text = re.sub(r" (?=[,.;:!?)…])", "", text)
    return text.strip().rstrip(".").casefold()


@dataclass
class Mapping:
    """{criterion id of the old sheet: criterion id of the new one} and the same for options."""

    criteria: dict[int, int] = field(default_factory=dict)
    options: dict[int, int] = field(default_factory=dict)


def map_sheets(old: SheetStructure, new: SheetStructure) -> Mapping:
    """Which criteria and options of the old sheet are the same on the new one."""
    if old.criteria_set.pk == new.criteria_set.pk:
        return Mapping({cid: cid for cid in new.criteria}, {oid: oid for oid in new.options})
    by_code = {(c.part_code, c.code): c for c in new.criteria.values()}
    by_words: dict[tuple[str, str], list] = {}
    for criterion in new.criteria.values():
        by_words.setdefault((criterion.part_code, _words(criterion.text)), []).append(criterion)
    pairs, taken = {}, set()
    for criterion in old.criteria.values():
        same = by_code.get((criterion.part_code, criterion.code))
        if same is not None and _words(same.text) == _words(criterion.text):
            pairs[criterion.id] = same
            taken.add(same.id)
    for criterion in old.criteria.values():
        if criterion.id in pairs:
            continue
        # Renumbered: the one criterion of the part with that wording, not already matched.
        candidates = by_words.get((criterion.part_code, _words(criterion.text)), [])
        if len(candidates) == 1 and candidates[0].id not in taken:
            pairs[criterion.id] = candidates[0]
            taken.add(candidates[0].id)
    mapping = Mapping()
    for criterion in old.criteria.values():
        same = pairs.get(criterion.id)
        if same is None:
            continue
        mapping.criteria[criterion.id] = same.id
        for option in criterion.options:
            words = _words(option.text)
            worded = [o for o in same.options if _words(o.text) == words]
            target = next((o for o in worded if o.code == option.code), None) or (
                worded[0] if len(worded) == 1 else None
            )
            if target is not None:
                mapping.options[option.id] = target.id
    return mapping


# --- Carrying over -----------------------------------------------------------------------------


def _carries(document: DossierDocument, old_items: dict) -> bool:
    """Documents of the previous dossier that belong to the product, not to its procedure:
    the producer's items of the checklist, evidence for criteria and other documents."""
    item = old_items.get(document.checklist_code)
    return item is None or item.provided_by == documents.Provider.PRODUCER


def carry_over(*, evaluation: Evaluation, source: Evaluation, by) -> bool:
    """Start `evaluation` from `source`: its present documents and its self-assessment, each
    marked as carried (see the module). Done once: an evaluation already started from a
    dossier is left as it is (returns False). Runs inside the caller's transaction."""
    if source.pk == evaluation.pk or source.product_id != evaluation.product_id:
        return False
    # The dossier's row is the lock: a second call waits here, then finds it started.
    stored = Evaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
    if stored.carried_from_id is not None:
        return False
    evaluation.carried_from = source
    evaluation._history_user = by
    evaluation._change_reason = _("Bắt đầu từ hồ sơ %(source)s") % {"source": label(source)}
    evaluation.save(update_fields=["carried_from", "updated_at"])
    old_checklist = documents.checklist_of(source.criteria_set.legal_basis_id)
    old_items = {item.code: item for item in old_checklist.items}
    new_codes = {item.code for item in documents.items_for(evaluation, documents.Stage.CENTRAL)}
    old_structure = SheetStructure.load(source.criteria_set)
    new_structure = (
        old_structure
        if source.criteria_set_id == evaluation.criteria_set_id
        else SheetStructure.load(evaluation.criteria_set)
    )
    mapping = map_sheets(old_structure, new_structure)
    now = timezone.now()

    carried = [
        DossierDocument(
            evaluation=evaluation,
            checklist_code=old.checklist_code if old.checklist_code in new_codes else "",
            criterion_id=mapping.criteria.get(old.criterion_id),
            title=old.title,
            file=old.file.name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
            added_by=by,
            added_at=now,
            carried_from=old,
        )
        for old in source.documents.present().order_by("added_at", "pk")
        if _carries(old, old_items)
    ]
    DossierDocument.objects.bulk_create(carried)

    answers = []
    for old in source.self_assessments.all():
        criterion_id = mapping.criteria.get(old.criterion_id)
        if criterion_id is None:
            continue
        option_id = mapping.options.get(old.option_id) if old.option_id else None
        if option_id is None and not old.evidence.strip():
            continue
        answers.append(
            SelfAssessment(
                evaluation=evaluation,
                criterion_id=criterion_id,
                option_id=option_id,
                evidence=old.evidence,
                carried_from=old,
            )
        )
    SelfAssessment.objects.bulk_create(answers)
    return True


# --- What the pages show -----------------------------------------------------------------------


def not_carried_answers(
    source: Evaluation, new_structure: SheetStructure, old_structure: SheetStructure | None = None
) -> list[str]:
    """The previous dossier's answers that could not be carried to the new sheet, a sentence
    each, in the old sheet's order."""
    rows = {
        row.criterion_id: row
        for row in SelfAssessment.objects.filter(evaluation=source).only(
            "criterion_id", "option_id", "evidence"
        )
    }
    if not rows:
        return []
    old_structure = old_structure or (
        new_structure
        if source.criteria_set_id == new_structure.criteria_set.pk
        else SheetStructure.load(source.criteria_set)
    )
    mapping = map_sheets(old_structure, new_structure)
    lines = []
    for criterion in old_structure.criteria.values():
        row = rows.get(criterion.id)
        if row is None:
            continue
        name = f"{criterion.code} {criterion.text}"
        if criterion.id not in mapping.criteria:
            lines.append(
                _("%(criterion)s — phiếu chấm mới không có tiêu chí này") % {"criterion": name}
            )
        elif row.option_id and row.option_id not in mapping.options:
            option = old_structure.options[row.option_id]
            lines.append(
                _("%(criterion)s — phiếu chấm mới không có mức tự chấm “%(option)s”")
                % {"criterion": name, "option": option.text}
            )
    return lines


@dataclass
class Report:
    """What a dossier carried from the previous one."""

    source: Evaluation | None
    source_label: str = ""
    #: The day the previous dossier was received (or opened).
    source_day: date | None = None
    #: Carried documents still in the dossier, carried answers not yet edited.
    documents: int = 0
    answers: int = 0
    #: Documents of the previous procedure left behind (titles).
    documents_left: list[str] = field(default_factory=list)
    #: Answers that could not be mapped onto this dossier's sheet (sentences).
    answers_left: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.source is not None


def documents_left(source: Evaluation) -> list[str]:
    """The titles of the previous dossier's documents not carried (the commune's and the
    province's papers of that procedure)."""
    old_items = {
        item.code: item for item in documents.checklist_of(source.criteria_set.legal_basis_id).items
    }
    return [
        document.title
        for document in source.documents.present().order_by("added_at", "pk")
        if not _carries(document, old_items)
    ]


def documents_left_sentence(titles: list[str]) -> str:
    return _(
        "Không chuyển văn bản của xã, của tỉnh lập cho hồ sơ trước (mỗi hồ sơ có văn bản "
        "riêng): %(titles)s."
    ) % {"titles": "; ".join(titles)}


def report(evaluation: Evaluation, structure: SheetStructure | None = None) -> Report:
    """The dossier's start from the previous one, as the pages tell it (an empty report when it
    started blank). With `structure` (the dossier's sheet), the answers not carried too."""
    if not evaluation.carried_from_id:
        return Report(None)
    source = evaluation.carried_from
    result = Report(
        source,
        label(source),
        source.filed_on or timezone.localdate(source.created_at),
        documents=evaluation.documents.present().filter(carried_from__isnull=False).count(),
        answers=evaluation.self_assessments.filter(carried_from__isnull=False).count(),
        documents_left=documents_left(source),
    )
    if structure is not None:
        result.answers_left = not_carried_answers(source, structure)
    return result


def carried_answers(evaluation: Evaluation) -> set[int]:
    """The criteria whose self-assessment is still as carried from the previous dossier."""
    return set(
        evaluation.self_assessments.filter(carried_from__isnull=False).values_list(
            "criterion_id", flat=True
        )
    )
