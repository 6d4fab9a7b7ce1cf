"""The pages of long jobs (core.jobs): the user's own jobs, one job's progress (a page that
polls its JSON twin), and its result file. A job is its starter's and administrators' only:
anyone else finds nothing there (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import policy
from core.models import Job

#: The jobs a list shows: the latest ones.
LIST_SIZE = 50
#: Seconds between two looks at a running job's progress.
POLL_SECONDS = 2


def _job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.defer("result"), pk=pk)
    if not policy.can(request.user, "job.view", job):
        raise Http404
    return job


def _state(job: Job) -> dict:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "finished": job.is_finished,
        "download_url": reverse("jobs:download", args=[job.pk]) if job.has_result else "",
    }


@require_safe
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(started_by=request.user).defer("result")[:LIST_SIZE]
    return render(request, "jobs/list.html", {"jobs": jobs})


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "jobs/detail.html", {"job": job, "poll_seconds": POLL_SECONDS})


@require_safe
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_state(_job(request, pk)))


@require_safe
@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not job.has_result:
        raise Http404
    content = Job.objects.values_list("result", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response
