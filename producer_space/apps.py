from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducerSpaceConfig(AppConfig):
    name = "producer_space"
    verbose_name = _("Tài khoản và trang của chủ thể")
