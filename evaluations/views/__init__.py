"""The evaluation pages: work queues and lists, the evaluation with its workflow, the score
sheets, and the rounds. Every read starts from ``visible_to(request.user)``."""

from evaluations.views.documents import (
    document_download,
    document_list,
    document_remove,
    document_upload,
)
from evaluations.views.dossier import (
    preassessment,
    print_form_01,
    print_form_02,
    print_form_03,
    self_assessment,
)
from evaluations.views.evaluation import (
    evaluation_action,
    evaluation_advisory,
    evaluation_correct,
    evaluation_create,
    evaluation_detail,
    evaluation_divergence,
    evaluation_remark,
)
from evaluations.views.lists import evaluation_list, queue
from evaluations.views.prints import sheet_print, summary_print
from evaluations.views.rounds import (
    round_create,
    round_decision_docx,
    round_decision_xlsx,
    round_detail,
    round_edit,
    round_list,
    round_recognise,
)
from evaluations.views.sheets import sheet_edit

__all__ = [
    "document_download",
    "document_list",
    "document_remove",
    "document_upload",
    "evaluation_action",
    "evaluation_advisory",
    "evaluation_correct",
    "evaluation_create",
    "evaluation_detail",
    "evaluation_divergence",
    "evaluation_list",
    "evaluation_remark",
    "preassessment",
    "print_form_01",
    "print_form_02",
    "print_form_03",
    "queue",
    "round_create",
    "round_decision_docx",
    "round_decision_xlsx",
    "round_detail",
    "round_edit",
    "round_list",
    "round_recognise",
    "self_assessment",
    "sheet_edit",
    "sheet_print",
    "summary_print",
]
