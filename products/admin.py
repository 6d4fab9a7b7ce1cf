from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import policy
from core.admin import FoldedSearchMixin, ReferenceDataAdminMixin, VisibleToAdminMixin
from core.imports import ImportExportAdminMixin
from core.text import fold
from products.models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    LegalBasis,
    Product,
    ProductCategory,
    StarBand,
)
from products.resources import CertificateResource, ProductResource


@admin.register(ProductCategory)
class ProductCategoryAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    """The classification is reference data, the same for every area, so it is not scoped by
    ``VisibleToAdminMixin`` (it has no area): staff read it, administrators change it."""

    list_display = ["code", "name", "scheme", "level", "is_leaf"]
    list_filter = ["scheme", "level", "is_leaf"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["is_leaf"]
    list_per_page = 100

    def get_search_results(self, request, queryset, search_term):
        # No folded column to search, but only a few hundred rows: match folded in Python, so
        # that "mat ong" finds "Mật ong" here and in the products' category autocomplete.
        words = fold(search_term).split()
        if not words:
            return queryset, False
        matching = [
            category.pk
            for category in queryset.only("pk", "code", "name")
            if all(word in fold(f"{category.code} {category.name}") for word in words)
        ]
        return queryset.filter(pk__in=matching), False


class StarBandInline(admin.TabularInline):
    model = StarBand
    extra = 0
    readonly_fields = ["stars", "min_score", "recognised_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Legal bases are loaded from data files (load_criteria_sets) and are read-only here:
    certificates and evaluations keep the rules they were decided under."""

    list_display = ["code", "title", "in_force_from", "in_force_until", "local_level"]
    inlines = [StarBandInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.get_fields() if field.concrete]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(
    VisibleToAdminMixin, FoldedSearchMixin, ImportExportAdminMixin, SimpleHistoryAdmin
):
    model_rule = add_rule = "product.add"
    change_rule = delete_rule = "product.change"

    resource_classes = [ProductResource]
    list_display = ["name", "producer", "category", "created_at"]
    list_filter = [
        "category__scheme",
        ("category", admin.RelatedOnlyFieldListFilter),
        "producer__kind",
        "is_illustrative",
    ]
    search_fields = ["search_name", "producer__search_name"]
    list_select_related = ["producer", "category"]
    autocomplete_fields = ["producer", "category"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50


class RevokedFilter(admin.SimpleListFilter):
    title = _("thu hồi")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Đã thu hồi")), ("no", _("Chưa thu hồi"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(revoked_on__isnull=self.value() == "no")
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    title = _("hiệu lực hôm nay")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("valid", _("Còn hiệu lực")),
            ("expiring", _("Hết hạn trong %(days)d ngày tới") % {"days": EXPIRING_WITHIN_DAYS}),
            ("expired", _("Đã hết hạn")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.valid_on(today)
        if self.value() == "expiring":
            return queryset.expiring_within(EXPIRING_WITHIN_DAYS, today)
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        return queryset


#: What an evaluation's decision states on the certificate it issued: changed only through a new
#: evaluation (or the evaluation's own correction), never here. Its revocation is recorded here.
ISSUED_FIELDS = [
    "product",
    "stars",
    "score",
    "legal_basis",
    "level",
    "kind",
    "decision_number",
    "decision_date",
    "area",
]


def restated_fields(certificate: Certificate) -> list[str]:
    """The issued fields of a stored certificate that differ from the database."""
    stored = Certificate.objects.get(pk=certificate.pk)
    attnames = [(name, Certificate._meta.get_field(name).attname) for name in ISSUED_FIELDS]
    return [
        name
        for name, attname in attnames
        if getattr(stored, attname) != getattr(certificate, attname)
    ]


class CertificateAdminResource(CertificateResource):
    """The admin's spreadsheet: a row may correct a certificate entered by hand, but not
    restate one an evaluation issued (it may record its revocation)."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if instance.pk is not None:
            decision = policy.can(self.user, "certificate.correct", instance)
            changed = [] if decision else restated_fields(instance)
            if changed:
                errors = {name: [decision.reason] for name in changed}
                raise ValidationError(self._by_column(errors))
        super().validate_instance(instance, import_validation_errors, validate_unique)


@admin.register(Certificate)
class CertificateAdmin(
    VisibleToAdminMixin, FoldedSearchMixin, ImportExportAdminMixin, SimpleHistoryAdmin
):
    """Certificates entered by hand are corrected here; one an evaluation issued shows what it
    states read-only (only its revocation is recorded here) and is never reverted or deleted."""

    model_rule = add_rule = "certificate.add"
    change_rule = "certificate.change"
    delete_rule = "certificate.correct"

    resource_classes = [CertificateAdminResource]
    list_display = [
        "product",
        "product__producer__name",
        "stars",
        "decision_number",
        "decision_date",
        "valid_until",
        "level",
        "kind",
        "is_revoked",
    ]
    list_filter = ["stars", "level", "kind", "legal_basis", RevokedFilter, ValidityFilter]
    date_hierarchy = "decision_date"
    search_fields = ["decision_number", "product__search_name", "product__producer__search_name"]
    list_select_related = ["product__producer", "area"]
    autocomplete_fields = ["product", "area"]
    readonly_fields = [
        "valid_until",
        "extended_until",
        "expiry_notice_sent_at",
        "created_at",
        "updated_at",
    ]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk and not policy.can(request.user, "certificate.correct", obj):
            fields += [name for name in ISSUED_FIELDS if name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        # The form has no issued field of such a certificate; this holds should one be added.
        if change and restated_fields(obj):
            policy.require(request.user, "certificate.correct", obj)
        super().save_model(request, obj, form, change)

    def may_revert(self, request, obj) -> bool:
        return obj is not None and bool(policy.can(request.user, "certificate.correct", obj))

    @admin.display(description=_("đã thu hồi"), boolean=True, ordering="revoked_on")
    def is_revoked(self, certificate: Certificate) -> bool:
        return certificate.revoked_on is not None

    def get_search_results(self, request, queryset, search_term):
        # Names are searched folded; a decision number also as typed, since "12/QĐ-UBND"
        # folds to "12/qd-ubnd", which the stored number does not contain.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(decision_number__icontains=search_term.strip())
        return found, may_have_duplicates
