from django.db import migrations, models

OPEN = ["draft", "submitted", "returned", "resubmitted"]


def refuse_if_already_duplicated(apps, schema_editor):
    """Products opened in several rounds at once before this rule: the constraint cannot be
    added until someone decides which evaluation stands. Say which, instead of a bare error."""
    Evaluation = apps.get_model("evaluations", "Evaluation")
    duplicated = (
        Evaluation.objects.filter(status__in=OPEN)
        .values("product_id")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("product_id", flat=True)
    )
    if duplicated:
        rows = Evaluation.objects.filter(product_id__in=list(duplicated), status__in=OPEN)
        listed = ", ".join(
            f"product {product} → evaluations {ids}"
            for product, ids in _by_product(rows.values_list("product_id", "pk"))
        )
        raise RuntimeError(
            "Several open evaluations of one product: keep one per product (conclude or delete "
            f"the others in the admin), then migrate again. {listed}"
        )


def _by_product(pairs):
    grouped = {}
    for product, pk in pairs:
        grouped.setdefault(product, []).append(pk)
    return sorted((product, sorted(ids)) for product, ids in grouped.items())


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0003_version_for_edit_forms"),
    ]

    operations = [
        migrations.RunPython(refuse_if_already_duplicated, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", OPEN)),
                fields=("product",),
                name="evaluation_one_open_per_product",
                violation_error_code="unique",
                violation_error_message=(
                    "Sản phẩm này đang có một hồ sơ chưa kết luận: hoàn tất hồ sơ đó trước."
                ),
            ),
        ),
    ]
