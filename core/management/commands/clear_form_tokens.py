from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import SubmittedForm


class Command(BaseCommand):
    help = (
        "Forget the tokens of forms sent more than --days ago (default 30): a form that old sent "
        "again is handled as a new one. Run daily, beside clearsessions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        cutoff = timezone.now() - timedelta(days=max(days, 0))
        deleted, _ = SubmittedForm.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} form tokens cleared (sent before {cutoff:%Y-%m-%d %H:%M}).")
