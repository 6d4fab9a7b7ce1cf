from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import policy


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        """Users who work somewhere inside the viewer's areas, the accounts of the producers of
        those areas, and the viewer."""
        if not policy.is_signed_in(user):
            return self.none()
        if policy.can(user, "everything.view"):
            return self.all()
        from areas.models import Area

        inside = Area.objects.visible_to(user).filter(officers=OuterRef("pk"))
        return self.filter(
            Q(pk=user.pk) | Exists(inside) | policy.inside(user, "producer__area__path")
        )


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` makes the portal's administrator: the role says so too, or lists,
        # e-mails and the admin would call them a local officer.
        extra_fields.setdefault("role", policy.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a local officer, a city reviewer or an administrator."""

    class Role(models.TextChoices):
        OFFICER = policy.OFFICER, _("Cán bộ địa phương")
        CITY = policy.CITY, _("Cán bộ thẩm định cấp tỉnh")
        ADMIN = policy.ADMIN, _("Quản trị viên")
        PRODUCER = policy.PRODUCER, _("Chủ thể OCOP")

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    areas = models.ManyToManyField(
        "areas.Area",
        verbose_name=_("địa bàn phụ trách"),
        blank=True,
        related_name="officers",
        help_text=_("Người dùng thấy và sửa được những gì nằm trong các địa bàn này."),
    )
    producer = models.ForeignKey(
        "subjects.Producer",
        verbose_name=_("chủ thể OCOP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("Tài khoản của một chủ thể OCOP: chỉ thấy hồ sơ, sản phẩm của chủ thể này."),
    )
    job_title = models.CharField(_("chức vụ, đơn vị công tác"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email_notices = models.BooleanField(
        _("nhận thông báo qua e-mail"),
        default=True,
        help_text=_(
            "Khi có hồ sơ chuyển đến bạn xử lý, hồ sơ bị trả lại, có kết luận hoặc đợt đánh giá "
            "sắp kết thúc: gửi thêm e-mail, ngoài thông báo trên cổng."
        ),
    )
    #: How many of the user's notices are unread: kept with the notices (notices.services), so
    #: that the bell of every page costs no query.
    unread_notices = models.PositiveIntegerField(_("thông báo chưa đọc"), default=0, editable=False)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("số nhiều", "người dùng")
        ordering = ["username"]
        constraints = [
            # A producer's account belongs to one producer, and only such an account does.
            models.CheckConstraint(
                condition=(policy.producer_accounts() & Q(producer__isnull=False))
                | (~policy.producer_accounts() & Q(producer__isnull=True)),
                name="user_producer_only_for_producer_accounts",
                violation_error_message=_(
                    "Tài khoản chủ thể OCOP phải gắn với đúng một chủ thể; tài khoản cán bộ thì "
                    "không."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    @property
    def is_producer_account(self) -> bool:
        return bool(policy.is_producer_account(self))

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_role_display(self) -> str:
        """The role, a reviewer's named after their province's kind: "Cán bộ thẩm định cấp
        thành phố" in Cần Thơ, "… cấp tỉnh" in An Giang."""
        if self.role == self.Role.CITY:
            from areas.provinces import of_user

            return of_user(self).reviewer
        return str(self.Role(self.role).label) if self.role in self.Role.values else self.role

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @cached_property
    def assigned_areas(self) -> list:
        """The areas this user works in, former districts before today's communes."""
        return sorted(self.areas.all(), key=lambda area: (area.level, area.name))
