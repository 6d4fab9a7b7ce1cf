"""The electronic dossier in templates: ``{% dossier_of evaluation as dossier %}`` (what the
includes ``evaluations/_document_requests.html`` and ``evaluations/_documents_summary.html``
read when the page has not given them a ``dossier``) and ``{{ size|filesize }}``."""

from django import template

from core import uploads
from evaluations import documents

register = template.Library()


@register.simple_tag
def dossier_of(evaluation) -> documents.Dossier:
    return documents.dossier(evaluation)


@register.filter
def filesize(size) -> str:
    return uploads.format_size(int(size or 0))
