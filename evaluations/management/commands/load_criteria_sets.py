from django.core.management.base import BaseCommand

from evaluations.criteria import load_criteria_sets


class Command(BaseCommand):
    help = "Load or update the criteria sets of evaluations/data/*.json (idempotent)."

    def handle(self, *args, **options):
        counts = load_criteria_sets()
        self.stdout.write(
            "Bộ tiêu chí: {sets}; thêm {created}, sửa {updated}, xóa {deleted} dòng.".format(
                **counts
            )
        )
