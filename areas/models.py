from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import AreaScopedQuerySet
from core.policy import containing_paths, under
from core.text import clean, fold


def unit_path(path: str) -> str:
    """The unit an area path lies in, as the reports group by area: a former district (or
    today's commune, for what was recognised after the districts were dissolved), the first
    two segments of the path."""
    return "/".join(path.split("/")[:2]) + "/"


#: The day the two-tier local government (province, commune) took effect.
REFORM_DATE = date(2025, 7, 1)


class AreaQuerySet(AreaScopedQuerySet):
    area_path_lookup = "path"

    def valid_on(self, day: date) -> "AreaQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def current(self) -> "AreaQuerySet":
        return self.filter(valid_until__isnull=True)

    def former(self) -> "AreaQuerySet":
        return self.filter(valid_until__isnull=False)

    def of_level(self, level: int) -> "AreaQuerySet":
        kinds = [kind for kind, of in Area.LEVEL_OF_KIND.items() if of == level]
        return self.filter(kind__in=kinds)

    def current_provinces(self) -> "AreaQuerySet":
        """Today's provinces and centrally-run cities, by code."""
        return self.current().of_level(Area.Level.PROVINCE).order_by("path")

    def below_province(self) -> "AreaQuerySet":
        """Districts and communes: the units records are registered in."""
        return self.exclude(kind__in=[Area.Kind.PROVINCE, Area.Kind.CENTRAL_CITY])

    def search(self, query: str) -> "AreaQuerySet":
        """Case- and diacritic-insensitive search on the full name."""
        for word in fold(query).split():
            self = self.filter(search_name__contains=word)
        return self


class Area(models.Model):
    """An administrative unit (province, district or commune) over the dates it existed."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
        CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
        URBAN_DISTRICT = "quan", _("Quận")
        RURAL_DISTRICT = "huyen", _("Huyện")
        TOWN = "thi_xa", _("Thị xã")
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")
        TOWNSHIP = "thi_tran", _("Thị trấn")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Cấp tỉnh")
        DISTRICT = 2, _("Cấp huyện")
        COMMUNE = 3, _("Cấp xã")

    LEVEL_OF_KIND = {
        Kind.PROVINCE: Level.PROVINCE,
        Kind.CENTRAL_CITY: Level.PROVINCE,
        Kind.CITY: Level.DISTRICT,
        Kind.URBAN_DISTRICT: Level.DISTRICT,
        Kind.RURAL_DISTRICT: Level.DISTRICT,
        Kind.TOWN: Level.DISTRICT,
        Kind.WARD: Level.COMMUNE,
        Kind.COMMUNE: Level.COMMUNE,
        Kind.TOWNSHIP: Level.COMMUNE,
        Kind.SPECIAL_ZONE: Level.COMMUNE,
    }

    code = models.CharField(_("mã đơn vị"), max_length=10)
    name = models.CharField(_("tên"), max_length=120, help_text=_("Tên đầy đủ, ví dụ: Huyện Cờ Đỏ"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("đơn vị trước đây"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Đơn vị cũ mà địa bàn này kế thừa sau sắp xếp đơn vị hành chính."),
    )
    # Derived from the parent chain, stored so that access checks and lists need no joins.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    full_name = models.CharField(_("tên đầy đủ"), max_length=400, editable=False)
    search_name = models.CharField(max_length=400, editable=False)
    # Indexed: the "data as of" time of every page is the latest of these.
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("số nhiều", "đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_until__isnull=True),
                name="area_one_current_unit_per_code",
            ),
            models.UniqueConstraint(fields=["code", "valid_until"], name="area_code_valid_until"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="area_valid_until_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    def save(self, *args, **kwargs) -> None:
        before = (self.path, self.full_name)
        self.name = clean(self.name)
        self._derive_names()
        super().save(*args, **kwargs)
        if before[0] and before != (self.path, self.full_name):
            for child in self.children.all():
                child.save()

    def get_absolute_url(self) -> str:
        return reverse("areas:detail", args=[self.pk])

    def clean(self) -> None:
        self.name = clean(self.name)
        if self.parent_id and self.kind and self.parent.level >= self.level:
            raise ValidationError(
                {"parent": _("Đơn vị trực thuộc phải thuộc cấp cao hơn đơn vị này.")}
            )
        if self.kind and not self.parent_id and self.level != self.Level.PROVINCE:
            raise ValidationError(
                {"parent": _("Đơn vị cấp huyện và cấp xã phải có đơn vị trực thuộc.")}
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")}
            )

    @property
    def level(self) -> "Area.Level":
        return self.LEVEL_OF_KIND[self.Kind(self.kind)]

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def contains(self, other: "Area") -> bool:
        return other.path.startswith(self.path)

    def q_within(self, lookup: str = "path") -> Q:
        """Rows whose area (its path reached through ``lookup``, e.g. "producer__area__path")
        is this unit or lies under it: a filter by an area the user chose. Not an access rule:
        the queryset's ``visible_to`` still applies first."""
        return under(lookup, self.path)

    @property
    def province_words(self):
        """How pages name the province this unit lies in (areas.provinces.ProvinceWords)."""
        from areas.provinces import words_of

        return words_of(self)

    @property
    def containing_paths(self) -> list[str]:
        return containing_paths(self.path)

    def _derive_names(self) -> None:
        parent = self.parent
        self.path = f"{parent.path if parent else ''}{self.code}/"
        self.full_name = f"{self.name}, {parent.full_name}" if parent else self.name
        self.search_name = fold(self.full_name)
