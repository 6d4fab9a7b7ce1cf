"""Long jobs (core.jobs): inline without a queue, handed to RQ with one; their record, their
page (the starter's and administrators' only) and the dashboard's spreadsheet as one."""

import io
import sys
from types import SimpleNamespace
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from core import jobs
from core.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}


def counting(job, steps: int, fail_at: int | None = None) -> None:
    """A task of `steps` steps that leaves a text file (and fails at `fail_at`)."""
    for step in range(1, steps + 1):
        if step == fail_at:
            raise RuntimeError("hỏng")
        job.progress(step, steps, f"Bước {step}")
    job.save_result("ket-qua.txt", f"{steps} bước".encode(), "text/plain")


def double(value: int) -> int:
    return value * 2


@pytest.fixture
def owner(can_tho) -> User:
    return UserFactory(areas=[can_tho])


def test_enqueue_without_a_queue_runs_now(settings):
    settings.RQ_QUEUES = None
    assert jobs.enqueue(double, 21) == 42
    assert jobs.enqueue("tests.test_jobs.double", 4) == 8


SEEN: list = []


def watching(job, steps: int) -> None:
    """A task that reads its own record back after each report, as the page does."""
    for step in range(1, steps + 1):
        job.progress(step, steps, f"Bước {step}")
        SEEN.append(Job.objects.values_list("status", "done", "total", "message").get(pk=job.pk))


def test_inline_job_records_progress_and_result(owner, settings):
    settings.RQ_QUEUES = None
    SEEN.clear()
    jobs.start(owner, watching, "Đếm", 2)
    assert SEEN == [("running", 1, 2, "Bước 1"), ("running", 2, 2, "Bước 2")]

    job = jobs.start(owner, counting, "Đếm", 4)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 4, 4, 100)
    assert job.message == "Bước 4"
    assert job.started_by == owner and job.task == "tests.test_jobs.counting"
    assert (job.result_name, bytes(job.result)) == ("ket-qua.txt", "4 bước".encode())
    assert job.started_at and job.finished_at and job.has_result


def test_inline_job_failure_is_recorded_and_rolled_back(owner, settings):
    settings.RQ_QUEUES = None
    job = jobs.start(owner, counting, "Đếm", 5, fail_at=3)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not job.has_result and job.finished_at
    assert "lỗi" in job.message


def test_with_a_queue_the_job_goes_to_rq(owner, settings):
    settings.RQ_QUEUES = RQ_QUEUES
    queue = mock.Mock()
    fake = SimpleNamespace(get_queue=mock.Mock(return_value=queue))
    with mock.patch.dict(sys.modules, {"django_rq": fake}):
        job = jobs.start(owner, counting, "Đếm", 3)
        jobs.enqueue(double, 5)
    fake.get_queue.assert_called_with("default")
    first, second = queue.enqueue.call_args_list
    assert first.args == ("core.jobs.run",)
    assert first.kwargs["args"] == (job.pk, 3) and first.kwargs["kwargs"] == {}
    assert second.args == ("tests.test_jobs.double",) and second.kwargs["args"] == (5,)
    # Nothing ran here: the worker will.
    job.refresh_from_db()
    assert (job.status, job.done, job.result_name) == (Job.Status.QUEUED, 0, "")
    # What the worker then runs finishes the job.
    jobs.run(job.pk, 3)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 3


def test_a_finished_job_is_not_run_again(owner, settings):
    settings.RQ_QUEUES = None
    job = jobs.start(owner, counting, "Đếm", 2)
    with mock.patch("tests.test_jobs.counting") as task:
        jobs.run(job.pk, 2)
    task.assert_not_called()


# --- The pages -------------------------------------------------------------------------------


@pytest.fixture
def finished(owner, settings) -> Job:
    settings.RQ_QUEUES = None
    return jobs.start(owner, counting, "Đếm ba bước", 3)


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:status", "jobs:download"])
def test_job_pages_ladder(client, finished, owner, can_tho, name):
    url = reverse(name, args=[finished.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(UserFactory(areas=[can_tho], role=User.Role.CITY))
    assert client.get(url).status_code == 404

    client.force_login(owner)
    assert client.get(url).status_code == 200

    client.force_login(UserFactory(role=User.Role.ADMIN))
    assert client.get(url).status_code == 200


def test_job_page_shows_progress_and_download(client, finished, owner):
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[finished.pk])).content.decode()
    assert "Đếm ba bước" in page
    assert 'value="100"' in page and "js/job-progress.js" in page
    assert reverse("jobs:download", args=[finished.pk]) in page

    state = client.get(reverse("jobs:status", args=[finished.pk])).json()
    assert state["status"] == "done" and state["finished"] and state["percent"] == 100
    assert (state["done"], state["total"]) == (3, 3)

    response = client.get(reverse("jobs:download", args=[finished.pk]))
    assert response.content == "3 bước".encode()
    assert 'filename="ket-qua.txt"' in response["Content-Disposition"]


def test_running_job_page_polls_without_download(client, owner):
    job = Job.objects.create(started_by=owner, task="x.y", title="Đang làm", done=2, total=8)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'value="25"' in page and 'data-finished="0"' in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (state["percent"], state["finished"], state["download_url"]) == (25, False, "")


def test_job_list_shows_only_ones_own(client, owner, can_tho, django_assert_max_num_queries):
    other = UserFactory(areas=[can_tho])
    for n in range(5):
        Job.objects.create(started_by=owner, task="x.y", title=f"Của tôi {n}")
    Job.objects.create(started_by=other, task="x.y", title="Của người khác")
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("jobs:list")).content.decode()
    assert page.count("Của tôi") == 5 and "Của người khác" not in page


# --- The dashboard's spreadsheet, end to end ---------------------------------------------------


def test_dashboard_spreadsheet_as_a_job(client, can_tho, settings):
    settings.RQ_QUEUES = None
    reviewer = UserFactory(role=User.Role.CITY, areas=[can_tho])
    client.force_login(reviewer)
    page = client.get(reverse("dashboards:city"), {"year": 2026}).content.decode()
    assert reverse("dashboards:export_start") in page
    assert reverse("jobs:list") in page  # "My jobs", in the user's menu

    response = client.post(f"{reverse('dashboards:export_start')}?year=2026")
    job = Job.objects.get(started_by=reviewer)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE and job.total and job.done == job.total

    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download["Content-Disposition"].endswith('ocop-dashboard-2026.xlsx"')
    book = load_workbook(io.BytesIO(download.content))
    assert len(book.sheetnames) == job.total - 1


def test_dashboard_spreadsheet_job_refuses_an_area_not_ones_own(client, can_tho, ninh_kieu, co_do):
    from tests.conftest import officer_of

    officer = officer_of("916")
    client.force_login(officer)
    response = client.post(f"{reverse('dashboards:export_start')}?area={co_do.pk}")
    assert response.status_code == 404
    assert not Job.objects.exists()
