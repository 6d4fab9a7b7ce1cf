"""Deadlines in working days: {{ deadline|workdays_left }} → "còn 3 ngày làm việc" or "quá hạn 2
ngày làm việc" (today by default, or ``|workdays_left:today``); {% deadline_status deadline today
as status %} for the badge (``status.tone``, ``status.label``)."""

from datetime import date

from django import template
from django.utils import timezone

from core import workdays

register = template.Library()


def _status(deadline, today=None) -> workdays.DeadlineStatus | None:
    if not isinstance(deadline, date):
        return None
    return workdays.deadline_status(deadline, today or timezone.localdate())


@register.filter
def workdays_left(deadline, today=None) -> str:
    status = _status(deadline, today)
    return status.label if status else ""


@register.simple_tag
def deadline_status(deadline, today=None) -> workdays.DeadlineStatus | None:
    return _status(deadline, today)
