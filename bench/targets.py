"""The numbers bench/scale.sh puts in its addresses, for the database it runs on.

Run inside the portal: ``manage.py shell -v 0 < bench/targets.py``. Prints one line of
``NAME=value`` pairs: LAST (the product list's last page), ELAST (the evaluation list's last
page), EVAL and SHEET (a scored 26/2026 dossier with the most score sheets, and one of them).
"""

import math

from django.db.models import Count

from core.lists import PAGE_SIZE
from evaluations.models import Evaluation, ScoreSheet
from products.models import Product

dossier = (
    Evaluation.objects.filter(status=Evaluation.Status.SCORED)
    .annotate(n=Count("sheets"))
    .order_by("-n", "-pk")
    .first()
) or Evaluation.objects.annotate(n=Count("sheets")).order_by("-n", "-pk").first()
sheet = ScoreSheet.objects.filter(evaluation=dossier).order_by("pk").first()
print(
    f"LAST={math.ceil(Product.objects.count() / PAGE_SIZE)}"
    f" ELAST={math.ceil(Evaluation.objects.count() / PAGE_SIZE)}"
    f" EVAL={dossier.pk} SHEET={sheet.pk}"
)
