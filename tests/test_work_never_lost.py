"""Work never lost, as far as the server's pages go: every page loads static/js/forms.js (its
behaviour in a browser: tests/browser/test_forms.py); the edit forms are watched for unsaved
changes by default, the sign-in form is not; approving a plan shows what happens first."""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from budgets.models import Measure
from tests.test_budgets import BudgetLineFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_loads_the_forms_script(client, can_tho):
    assert '<script src="/static/js/forms.js"></script>' in client.get("/").content.decode()
    script = (ROOT / "static" / "js" / "forms.js").read_text(encoding="utf-8")
    for hook in ("data-warn-unsaved", "beforeunload", "data-confirm", "data-confirm-check"):
        assert hook in script, hook


def test_the_sign_in_form_is_no_work_to_lose(client, can_tho):
    page = client.get(reverse("login")).content.decode()
    assert 'data-warn-unsaved="off"' in page


def test_the_confirmation_include_renders_its_title_lines_and_checkbox():
    html = render_to_string(
        "includes/confirm_summary.html",
        {"title": "Khóa sổ", "lines": ["Dòng một", "Dòng hai"], "id": "lock"},
    )
    assert 'id="lock-title">' in html and "Khóa sổ" in html
    assert "<li>Dòng một</li>" in html and "<li>Dòng hai</li>" in html
    assert 'id="lock-check" data-confirm-check' in html
    assert 'for="lock-check"' in html


def test_approving_a_plan_shows_what_happens_first(login, city_reviewer, officer_co_do):
    plan = PlanFactory(year=2026)
    TargetFactory(plan=plan, indicator=Measure.TOURISM_VILLAGES, value=1)
    BudgetLineFactory(plan=plan, amount=1_500_000_000)
    page = login(city_reviewer).get(reverse("budgets:detail", args=[2026])).content.decode()
    form = page.split('data-confirm data-warn-unsaved="off"')[1].split("</form>")[0]
    assert "với 1 chỉ tiêu và tổng kinh phí 1,5 tỷ đồng" in form
    assert "phải ghi lý do" in form and "Không hủy được phê duyệt" in form
    assert "data-confirm-check" in form
    # An officer reads the plan but is offered no approval.
    page = login(officer_co_do).get(reverse("budgets:detail", args=[2026])).content.decode()
    assert "data-confirm" not in page
