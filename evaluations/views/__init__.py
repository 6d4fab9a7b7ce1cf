"""The evaluation pages: work queues and lists, the evaluation with its workflow, the score
sheets, and the rounds. Every read starts from ``visible_to(request.user)``."""

from evaluations.views.evaluation import (
    evaluation_action,
    evaluation_correct,
    evaluation_create,
    evaluation_detail,
    evaluation_divergence,
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
    "evaluation_action",
    "evaluation_correct",
    "evaluation_create",
    "evaluation_detail",
    "evaluation_divergence",
    "evaluation_list",
    "queue",
    "round_create",
    "round_decision_docx",
    "round_decision_xlsx",
    "round_detail",
    "round_edit",
    "round_list",
    "round_recognise",
    "sheet_edit",
    "sheet_print",
    "summary_print",
]
