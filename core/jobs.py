"""Long work outside the request: on the task queue (RQ, through django-rq) when one is
configured, inline otherwise (the demo, the tests, a developer's machine).

``enqueue(func, *args, **kwargs)`` hands any function (or its dotted path) to the queue, or
calls it at once. ``start(user, task, title, *args, **kwargs)`` does the same for work a person
waits for: it records a :class:`core.models.Job` — who started it, what, where it stands — and
the task, called as ``task(job, *args, **kwargs)``, tells its progress with
``job.progress(done, total, message)`` and leaves its file with ``job.save_result(name,
content, content_type)``. The page ``/jobs/<id>/`` shows the starter (and administrators) a
progress bar that follows the record, then the download.

Settings: ``RQ_QUEUES`` (from the ``QUEUE_URL`` or ``REDIS_URL`` environment variable, absent
by default) and ``OCOP_JOBS_QUEUE``, the queue's name ("default")."""

import contextlib
import logging
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Job

log = logging.getLogger(__name__)

#: A job's task, by its dotted path: what the queue stores and the worker imports.
Task = str | Callable


def queue_configured() -> bool:
    return bool(getattr(settings, "RQ_QUEUES", None))


def dotted_path(func: Task) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def resolve(path: str) -> Callable:
    module, _dot, name = path.rpartition(".")
    return getattr(import_module(module), name)


def enqueue(func: Task, *args, **kwargs):
    """Run ``func(*args, **kwargs)`` on the queue when one is configured (after the current
    transaction commits, so that the worker sees what it wrote); otherwise now, returning its
    result."""
    if not queue_configured():
        target = resolve(func) if isinstance(func, str) else func
        return target(*args, **kwargs)
    import django_rq

    queue = django_rq.get_queue(getattr(settings, "OCOP_JOBS_QUEUE", "default"))
    return queue.enqueue(
        dotted_path(func),
        args=args,
        kwargs=kwargs,
        job_timeout=getattr(settings, "OCOP_JOBS_TIMEOUT", 3600),
    )


def start(user, task: Task, title: str, *args, **kwargs) -> Job:
    """Record a job for `user` and run ``task(job, *args, **kwargs)`` on the queue (or now)."""
    job = Job.objects.create(started_by=user, task=dotted_path(task), title=title[:255])
    enqueue(run, job.pk, *args, **kwargs)
    job.refresh_from_db()
    return job


class Context:
    """What a task gets: the job's record and how to report on it."""

    def __init__(self, job: Job):
        self.job = job

    @property
    def pk(self) -> int:
        return self.job.pk

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Where the work stands: `done` of `total` steps (written at once: the page polls)."""
        total = self.job.total if total is None else total
        done = min(done, total) if total is not None else done
        self.job.done, self.job.total = done, total
        fields = {"done": done, "total": total}
        if message:
            self.job.message = fields["message"] = message[:500]
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def save_result(self, name: str, content: bytes, content_type: str) -> None:
        self.job.result, self.job.result_name, self.job.result_type = content, name, content_type
        Job.objects.filter(pk=self.job.pk).update(
            result=content, result_name=name[:200], result_type=content_type[:100]
        )


def run(job_id: int, *args, **kwargs) -> None:
    """Run a recorded job's task and record how it ended (what the queue's worker calls)."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    context = Context(job)
    # Inline, inside the request's transaction, a savepoint keeps a failure from breaking it;
    # on the worker the task runs in autocommit, so that each progress report is seen at once.
    guard = contextlib.nullcontext() if transaction.get_autocommit() else transaction.atomic()
    try:
        with guard:
            resolve(job.task)(context, *args, **kwargs)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.task)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=_("Tác vụ gặp lỗi và đã dừng; hãy thử lại hoặc báo quản trị viên."),
        )
        return
    finished = {"status": Job.Status.DONE, "finished_at": timezone.now()}
    if job.total is not None:
        finished["done"] = job.total
    Job.objects.filter(pk=job.pk).update(**finished)
