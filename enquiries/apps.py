from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = _("Kết nối tiêu thụ")

    def ready(self):
        from core import counting
        from enquiries.services import received_paths

        # The yearly plan may set a target for the enquiries received (budgets lies on this
        # app's level and cannot import it): what counts them is registered with the kernel.
        counting.register_year_records(counting.ENQUIRIES_RECEIVED, received_paths)
