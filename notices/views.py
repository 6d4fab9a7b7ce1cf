from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices import services
from notices.models import Notice

PAGE_SIZE = 30


@login_required
def notice_list(request):
    """The user's notices, the newest first; the unread ones stand out."""
    services.recount(request.user)
    notices = Notice.objects.visible_to(request.user).select_related("actor")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page_obj": page, "notices": page})


@login_required
def notice_open(request, pk: int):
    """Mark the notice read and go to what it is about."""
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    services.mark_read(notice, request.user)
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect("notices:list")
    return redirect(notice.url)


@require_POST
@login_required
def notice_read_all(request):
    marked = services.mark_all_read(request.user)
    if marked:
        messages.success(request, _("Đã đánh dấu mọi thông báo là đã đọc."))
    return redirect("notices:list")
