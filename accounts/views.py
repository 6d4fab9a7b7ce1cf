from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class LoginView(SuccessMessageMixin, auth_views.LoginView):
    redirect_authenticated_user = True
    success_message = _("Đăng nhập thành công. Xin chào %(name)s!")

    def get_success_message(self, cleaned_data):
        return self.success_message % {"name": self.request.user.get_full_name()}


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")
    success_message = _("Mật khẩu đã được đổi.")
