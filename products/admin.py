from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import policy
from core.admin import (
    FoldedSearchMixin,
    ReadOnlyInline,
    ReferenceDataAdminMixin,
    VisibleToAdminMixin,
)
from core.imports import ImportExportAdminMixin
from core.text import fold
from products.models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    LegalBasis,
    PointOfSale,
    Product,
    ProductCategory,
    ProductPhoto,
    Revocation,
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


class ProductPhotoInline(ReadOnlyInline):
    """The public gallery: changed through the producer's proposals (listings)."""

    model = ProductPhoto
    fields = readonly_fields = ["photo", "alt_text", "position"]


class PointOfSaleInline(ReadOnlyInline):
    """The points of sale: changed through the producer's proposals (listings)."""

    model = PointOfSale
    fields = readonly_fields = ["kind", "name", "address", "url", "phone", "position"]


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
    inlines = [ProductPhotoInline, PointOfSaleInline]


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
#: evaluation (or the evaluation's own correction), never here.
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


#: A certificate's revocation: written by the revocation's decision (products.revocations), on
#: the revocation's pages, never typed here or in a spreadsheet over a stored certificate.
REVOCATION_FIELDS = ["revoked_on", "revoked_reason"]


def restated_fields(certificate: Certificate, names: list[str] | None = None) -> list[str]:
    """The issued fields of a stored certificate that differ from the database."""
    stored = Certificate.objects.get(pk=certificate.pk)
    names = ISSUED_FIELDS if names is None else names
    attnames = [(name, Certificate._meta.get_field(name).attname) for name in names]
    return [
        name
        for name, attname in attnames
        if getattr(stored, attname) != getattr(certificate, attname)
    ]


#: Why a stored certificate's revocation is not typed in.
REVOKED_THROUGH_PAGES = _(
    "Việc thu hồi giấy chứng nhận đã có trên cổng được đề nghị và ghi quyết định ở trang Thu hồi "
    "giấy chứng nhận (mở từ trang sản phẩm), không sửa trực tiếp ngày, lý do thu hồi."
)


class CertificateAdminResource(CertificateResource):
    """The admin's spreadsheet: a row may correct a certificate entered by hand, but not
    restate one an evaluation issued, nor change a stored certificate's revocation (the
    revocation pages record it). A new row may carry a revocation decided before the portal
    kept them (a certificate's history entered from paper)."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if instance.pk is not None:
            decision = policy.can(self.user, "certificate.correct", instance)
            errors = {
                name: [decision.reason] for name in ([] if decision else restated_fields(instance))
            }
            for name in restated_fields(instance, REVOCATION_FIELDS):
                errors[name] = [REVOKED_THROUGH_PAGES]
            if errors:
                raise ValidationError(self._by_column(errors))
        super().validate_instance(instance, import_validation_errors, validate_unique)


@admin.register(Certificate)
class CertificateAdmin(
    VisibleToAdminMixin, FoldedSearchMixin, ImportExportAdminMixin, SimpleHistoryAdmin
):
    """Certificates entered by hand are corrected here; one an evaluation issued shows what it
    states read-only and is never reverted or deleted. No certificate's revocation is typed
    here: it is proposed and decided on the revocation pages (products.revocations), shown
    here read-only with a link to it; a revoked certificate is never reverted."""

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
        *REVOCATION_FIELDS,
        "revocation",
        "extended_until",
        "expiry_notice_sent_at",
        "created_at",
        "updated_at",
    ]
    list_per_page = 50

    @admin.display(description=_("thu hồi"))
    def revocation(self, certificate: Certificate):
        """The certificate's revocations, linked to their pages, and where to propose one."""
        if certificate.pk is None:
            return REVOKED_THROUGH_PAGES
        found = certificate.revocations.order_by("-created_at", "-pk")
        links = format_html_join(
            "",
            '<div><a href="{}">{} — {}</a></div>',
            (
                (
                    revocation.get_absolute_url(),
                    revocation.get_ground_display(),
                    revocation.get_status_display(),
                )
                for revocation in found
            ),
        )
        product_page = reverse("products:detail", args=[certificate.product_id])
        return format_html(
            '{}<div class="help">{} <a href="{}">{}</a></div>',
            links,
            REVOKED_THROUGH_PAGES,
            product_page,
            _("Trang sản phẩm"),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk and not policy.can(request.user, "certificate.correct", obj):
            fields += [name for name in ISSUED_FIELDS if name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        # The form has no issued field of such a certificate, and no revocation field; this
        # holds should one be added.
        if change and restated_fields(obj):
            policy.require(request.user, "certificate.correct", obj)
        if (change and restated_fields(obj, REVOCATION_FIELDS)) or (
            not change and (obj.revoked_on or obj.revoked_reason)
        ):
            raise ValidationError(REVOKED_THROUGH_PAGES)
        super().save_model(request, obj, form, change)

    def may_revert(self, request, obj) -> bool:
        # A revert would write an old revocation state over the decision's.
        return (
            obj is not None
            and bool(policy.can(request.user, "certificate.correct", obj))
            and obj.revoked_on is None
            and not obj.revocations.exists()
        )

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


class LateFilter(admin.SimpleListFilter):
    title = _("thời hạn 15 ngày")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", _("Quá hạn")), ("no", _("Trong hạn"))]

    def queryset(self, request, queryset):
        late = Revocation.objects.late(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=late)
        if self.value() == "no":
            return queryset.exclude(pk__in=late)
        return queryset


#: What the admin says of revocations, on their list and each one's page.
REVOCATIONS_ON_PAGES = _(
    "Chỉ để xem: việc đề nghị, ghi quyết định thu hồi hoặc không thu hồi được thực hiện ở trang "
    "Thu hồi giấy chứng nhận của cổng (theo cùng quy định và phân quyền), không sửa ở đây."
)


@admin.register(Revocation)
class RevocationAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only, history included (no rule: nobody adds, changes, deletes or reverts one here):
    a revocation is proposed, decided and dropped on its pages, through products.revocations,
    which check the policy and the law's dates and write the certificate's revocation."""

    history_revert = False

    list_display = [
        "certificate",
        "ground",
        "status",
        "concluded_on",
        "deadline",
        "decision_number",
        "decision_date",
        "late",
    ]
    list_filter = ["status", "ground", "authority", LateFilter]
    list_select_related = ["certificate__product"]
    search_fields = [
        "certificate__product__search_name",
        "certificate__product__producer__search_name",
    ]
    date_hierarchy = "concluded_on"
    fieldsets = [
        (
            None,
            {
                "description": REVOCATIONS_ON_PAGES,
                "fields": [
                    "certificate",
                    "ground",
                    "concluded_on",
                    "concluded_by",
                    "findings",
                    "authority",
                    "proposed_by",
                    "status",
                    "decision_number",
                    "decision_date",
                    "decided_by",
                    "closing_note",
                    "created_at",
                    "updated_at",
                ],
            },
        )
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**(extra_context or {}), "subtitle": REVOCATIONS_ON_PAGES}
        )

    @admin.display(description=_("hạn quyết định"))
    def deadline(self, revocation: Revocation):
        return revocation.deadline

    @admin.display(description=_("quá hạn"), boolean=True)
    def late(self, revocation: Revocation) -> bool:
        return revocation.is_late()
