"""Re-rating a certificate under 26/2026/QĐ-TTg: the window (Điều 7.6.a: no earlier than 180
and no later than 120 days before expiry), the grace of a late dossier (Điều 12.3: valid until
the result, at most 180 days past expiry), the 45 days to decide from the day the dossier is
complete (Điều 7.6.g), the notices when a window opens and before it closes, and the page."""

import importlib
import itertools
from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from evaluations import dossier, services
from evaluations.criteria import CriteriaDataError, read_legal_bases
from evaluations.models import Evaluation, Round, Transition
from notices.models import Notice
from notices.services import notify_rerating
from products import rerating
from products.catalogue_views import public_products
from products.models import Certificate, LegalBasis, Product, SentNotice, add_months
from products.rerating import State
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, category_26
from tests.test_evaluations_support import (
    commune_report,
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_round,
    office,
)
from tests.test_evaluations_two_level import decide, scored

pytestmark = pytest.mark.django_db

LAW = "26/2026/QĐ-TTg"
URL = reverse("products:expiring")
#: Expiring under 26/2026/QĐ-TTg, on days far from today's.
EXPIRY = date(2027, 6, 30)


def today() -> date:
    return timezone.localdate()


def expiring_on(day: date, *, area=None, name: str = "Bưởi năm roi", email: str = ""):
    """A certificate of a new product that expires on ``day`` (decided 36 months before)."""
    decided = add_months(day + timedelta(days=1), -36)
    producer = ProducerFactory(
        name=f"Chủ thể {name}", email=email, **({"area": area} if area else {})
    )
    product = ProductFactory(producer=producer, name=name, category=category_26("I.1.a"))
    certificate = CertificateFactory(product=product, decision_date=decided)
    assert certificate.valid_until == day
    return certificate


@pytest.fixture
def commune(officer_co_do):
    """A commune of today that Cờ Đỏ's officer is assigned to."""
    communes = [area for area in officer_co_do.areas.order_by("code") if area.is_current]
    return next(area for area in communes if area.level == area.Level.COMMUNE)


def the_round() -> Round:
    """The 26/2026 round open today (made once per test)."""
    return Round.objects.filter(number=1).first() or make_round(LAW)


def file_renewal(certificate, officer, *, filed_on: date):
    """The commune receives the producer's re-rating dossier on ``filed_on``."""
    return services.evaluation_create(
        product=certificate.product,
        round=the_round(),
        kind=Certificate.Kind.RENEWAL,
        by=officer,
        filed_on=filed_on,
    )


def reload(certificate) -> Certificate:
    return Certificate.objects.get(pk=certificate.pk)


# --- The rules as data ------------------------------------------------------------------------


def test_the_numbers_are_26_2026s_data_and_no_earlier_basis_has_them(can_tho):
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    law = bases[LAW]
    assert (
        law.rerating_opens_days,
        law.rerating_closes_days,
        law.late_rerating_grace_days,
        law.rerating_decision_days,
    ) == (180, 120, 180, 45)
    for code in ("1048/QĐ-TTg", "148/QĐ-TTg", "1489/QĐ-TTg"):
        assert rerating.rules_of(bases[code]) is None
        assert rerating.decision_deadline(bases[code], date(2026, 6, 1)) is None
    assert rerating.rules_of(law) == rerating.Rules(LAW, 180, 120, 180, 45)


def test_a_database_loaded_before_gets_the_numbers_from_its_migration(can_tho):
    LegalBasis.objects.filter(code=LAW).update(
        rerating_opens_days=None,
        rerating_closes_days=None,
        late_rerating_grace_days=None,
        rerating_decision_days=None,
    )
    from django.apps import apps

    # Found by its name, whatever number it is given among the other branches' migrations.
    found = next(Path(__file__).parent.parent.glob("products/migrations/*_rerating_window*.py"))
    migration = importlib.import_module(f"products.migrations.{found.stem}")

    migration.rerating_of_26_2026(apps, None)
    assert rerating.rules_of(LegalBasis.objects.get(code=LAW)) == rerating.Rules(
        LAW, 180, 120, 180, 45
    )


def test_open_late_dossiers_filed_before_the_migration_get_their_grace(
    criteria_sets, commune, officer_co_do
):
    from django.apps import apps

    late = expiring_on(today() - timedelta(days=5), area=commune, name="Muộn")
    on_time = expiring_on(today() + timedelta(days=150), area=commune, name="Đúng hạn")
    file_renewal(late, officer_co_do, filed_on=today() - timedelta(days=10))
    file_renewal(on_time, officer_co_do, filed_on=today())
    Certificate.objects.update(extended_until=None)
    found = next(Path(__file__).parent.parent.glob("products/migrations/*_rerating_window*.py"))
    migration = importlib.import_module(f"products.migrations.{found.stem}")
    migration.grace_of_open_late_dossiers(apps, None)
    assert reload(late).extended_until == late.valid_until + timedelta(days=180)
    assert reload(on_time).extended_until is None


@pytest.mark.parametrize(
    "block",
    [
        {"opens_days": 120, "closes_days": 180},
        {"opens_days": 180},
        {"opens_days": 180, "closes_days": 120, "grace_days": -1},
        {"opens_days": 180, "closes_days": 120, "decision_days": "45"},
    ],
)
def test_a_wrong_rerating_block_is_refused(can_tho, tmp_path, block):
    import json

    from evaluations.criteria import DATA_DIR

    (tmp_path / "legal_bases").mkdir()
    data = json.loads((DATA_DIR / "legal_bases" / "qd-26-2026.json").read_text("utf-8"))
    data["rerating"] = block
    (tmp_path / "legal_bases" / "qd-26-2026.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(CriteriaDataError, match=r"rerating|đánh giá lại"):
        read_legal_bases(tmp_path)


def test_the_rules_are_those_of_the_basis_in_force_on_the_expiry_day(can_tho):
    schedule = rerating.Schedule.load()
    # 148 stays in force until 21/07/2026, but 26/2026 took effect later: it governs.
    assert [(p.start, p.end) for p in schedule.periods] == [(date(2026, 5, 22), None)]
    assert schedule.rules_for(date(2026, 5, 21)) is None
    assert schedule.rules_for(date(2026, 5, 22)).basis == LAW


def test_the_open_statuses_are_the_evaluations(can_tho):
    assert set(rerating.OPEN_DOSSIER_STATUSES) == set(Evaluation.OPEN_STATUSES)


# --- The window -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "state"),
    [
        (181, State.NOT_YET_OPEN),
        (180, State.OPEN),
        (150, State.OPEN),
        (120, State.OPEN),
        (119, State.LATE),
        (0, State.LATE),
        (-1, State.LAPSED),
    ],
)
def test_the_windows_edges(can_tho, days_before, state):
    certificate = expiring_on(EXPIRY)
    on = EXPIRY - timedelta(days=days_before)
    assert rerating.state_of(certificate, on) == state


def test_the_window_dates(can_tho):
    window = rerating.window(expiring_on(EXPIRY))
    assert (window.opens_on, window.closes_on) == (date(2027, 1, 1), date(2027, 3, 2))


def test_a_certificate_expiring_before_26_2026_has_no_window_and_no_grace(can_tho):
    before = expiring_on(date(2026, 5, 21), name="Trước")
    first = expiring_on(date(2026, 5, 22), name="Đầu tiên")
    assert rerating.window(before) is None
    assert rerating.window(first) is not None
    # 119 days before expiry: late under 26/2026, open to the end under 148.
    assert rerating.state_of(before, date(2026, 5, 21) - timedelta(days=119)) == State.OPEN
    assert rerating.state_of(first, date(2026, 5, 22) - timedelta(days=119)) == State.LATE
    assert rerating.state_of(before, date(2026, 5, 22)) == State.LAPSED
    assert rerating.extension_for(before, filed_on=date(2026, 5, 1)) is None
    assert rerating.extension_for(first, filed_on=date(2026, 5, 1)) == date(2026, 11, 18)


def test_a_later_certificate_makes_it_rerated_and_revoked_one_lapsed(can_tho):
    certificate = expiring_on(EXPIRY)
    on = EXPIRY - timedelta(days=150)
    assert rerating.state_of(certificate, on) == State.OPEN
    CertificateFactory(product=certificate.product, decision_date=on, kind="renewal")
    assert rerating.state_of(certificate, on) == State.RERATED
    assert rerating.state_of(certificate, on - timedelta(days=1)) == State.OPEN
    revoked = expiring_on(EXPIRY, name="Thu hồi")
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_on=on - timedelta(days=5), revoked_reason="Vi phạm"
    )
    assert rerating.state_of(revoked, on) == State.LAPSED


# --- The grace --------------------------------------------------------------------------------


def test_the_dashboard_sees_a_dossier_filed_for_a_certificate_due(
    criteria_sets, commune, officer_co_do, city_reviewer
):
    """The state of a certificate due and not yet re-rated is kept between requests
    (``dashboards.after_recognition.rerating_figures``): a dossier filed for it, which leaves
    the certificate as it was, is seen at once."""
    from dashboards.after_recognition import Outcome
    from dashboards.reports import city_dashboard
    from dashboards.scope import resolve_scope

    certificate = expiring_on(today() + timedelta(days=150), area=commune)
    scope = resolve_scope(city_reviewer, None)

    def counts():
        year = certificate.valid_until.year
        return city_dashboard(city_reviewer, scope, year, today()).after.rerating.counts

    assert (counts()[Outcome.OPEN], counts()[Outcome.FILED]) == (1, 0)
    file_renewal(certificate, officer_co_do, filed_on=today())
    assert reload(certificate).extended_until is None
    assert (counts()[Outcome.OPEN], counts()[Outcome.FILED]) == (0, 1)


@pytest.mark.parametrize(
    ("days_before", "extended"),
    [
        (150, False),  # in the window
        (120, False),  # its last day
        (119, True),  # the first day late
        (1, True),
        (0, True),  # the expiry day
        (-1, False),  # after expiry: the certificate has lapsed
    ],
)
def test_grace_is_given_to_a_dossier_filed_late_by_the_expiry_day(
    criteria_sets, commune, officer_co_do, days_before, extended
):
    filed_on = today() - timedelta(days=3)
    expiry = filed_on + timedelta(days=days_before)
    certificate = expiring_on(expiry, area=commune)
    evaluation = file_renewal(certificate, officer_co_do, filed_on=filed_on)
    assert evaluation.previous_certificate == certificate
    certificate = reload(certificate)
    assert certificate.extended_until == (expiry + timedelta(days=180) if extended else None)
    state = rerating.state_of(certificate, today())
    if extended:
        assert state == State.IN_GRACE
        assert "gia hạn đến" in rerating.describe(state, certificate.extended_until)
    elif days_before >= 0:
        assert state == State.FILED
    else:
        assert state == State.LAPSED
    if extended:
        history = certificate.history.first()
        assert history.history_user == officer_co_do
        assert "nộp sau thời hạn" in history.history_change_reason


def test_an_upgrade_filed_late_gives_no_grace(criteria_sets, commune, officer_co_do):
    certificate = expiring_on(today() + timedelta(days=60), area=commune)  # 4★: may go up
    services.evaluation_create(
        product=certificate.product,
        round=the_round(),
        kind=Certificate.Kind.UPGRADE,
        by=officer_co_do,
    )
    assert reload(certificate).extended_until is None


def test_grace_lasts_180_days_then_the_product_is_gone(criteria_sets, commune, officer_co_do):
    expiry = today() - timedelta(days=5)
    certificate = expiring_on(expiry, area=commune)
    file_renewal(certificate, officer_co_do, filed_on=today() - timedelta(days=10))
    certificate = reload(certificate)
    last = expiry + timedelta(days=180)
    assert certificate.extended_until == last
    product = certificate.product
    for day, valid in [(expiry + timedelta(days=1), True), (last, True)]:
        assert certificate.is_valid_on(day) is valid
        assert Certificate.objects.valid_on(day).filter(pk=certificate.pk).exists() is valid
        assert product.certificate_on(day) == certificate
        assert public_products(day).filter(pk=product.pk).exists()
        status = Product.objects.with_status(day).get(pk=product.pk)
        assert status.status == Product.Status.RERATING
        assert status.current_extended_until == last
    gone = last + timedelta(days=1)
    assert not certificate.is_valid_on(gone)
    assert not Certificate.objects.valid_on(gone).filter(pk=certificate.pk).exists()
    assert product.certificate_on(gone) is None
    assert not public_products(gone).filter(pk=product.pk).exists()
    assert Product.objects.with_status(gone).get(pk=product.pk).status == Product.Status.EXPIRED
    assert rerating.state_of(certificate, gone) == State.LAPSED
    # Before its expiry the product was simply about to expire.
    before = Product.objects.with_status(expiry).get(pk=product.pk)
    assert before.status == Product.Status.EXPIRING


def test_the_extension_must_reach_past_the_expiry(can_tho):
    certificate = expiring_on(EXPIRY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(extended_until=EXPIRY)


def _late_and_forwarded(certificate, officer):
    evaluation = file_renewal(certificate, officer, filed_on=today() - timedelta(days=10))
    commune_report(evaluation)
    return services.evaluation_forward(evaluation=evaluation, by=officer)


def test_a_disqualified_late_dossier_ends_the_grace_that_day(criteria_sets, commune, officer_co_do):
    expiry = today() - timedelta(days=5)
    certificate = expiring_on(expiry, area=commune)
    evaluation = _late_and_forwarded(certificate, officer_co_do)
    assert reload(certificate).extended_until == expiry + timedelta(days=180)
    services.evaluation_disqualify(evaluation=evaluation, by=office(), comment="Hồ sơ giả mạo.")
    certificate = reload(certificate)
    assert certificate.extended_until == today()
    assert certificate.is_valid_on(today())
    assert not certificate.is_valid_on(today() + timedelta(days=1))
    assert rerating.state_of(certificate, today() + timedelta(days=1)) == State.LAPSED
    assert "Kết thúc gia hạn" in certificate.history.first().history_change_reason


def test_a_decision_before_the_expiry_leaves_nothing_extended(
    criteria_sets, commune, officer_co_do
):
    expiry = today() + timedelta(days=50)
    certificate = expiring_on(expiry, area=commune)
    evaluation = _late_and_forwarded(certificate, officer_co_do)
    assert reload(certificate).extended_until == expiry + timedelta(days=180)
    services.evaluation_disqualify(evaluation=evaluation, by=office(), comment="Hồ sơ giả mạo.")
    certificate = reload(certificate)
    assert certificate.extended_until is None
    assert rerating.state_of(certificate, today()) == State.LATE


def test_a_recognition_ends_the_grace_on_its_decision_day_and_a_correction_moves_it(
    criteria_sets, commune, officer_co_do, city_reviewer, administrator
):
    expiry = today() - timedelta(days=20)
    certificate = expiring_on(expiry, area=commune)
    evaluation = file_renewal(certificate, officer_co_do, filed_on=today() - timedelta(days=30))
    evaluation = scored(evaluation, officer_co_do, [80, 80, 80])
    evaluation = decide(evaluation, city_reviewer)
    assert evaluation.status == Evaluation.Status.RECOGNISED
    old = reload(certificate)
    assert old.extended_until == today()
    assert rerating.state_of(old, today()) == State.RERATED
    product = Product.objects.with_status().get(pk=certificate.product_id)
    assert product.current_certificate_id == evaluation.certificate_id
    assert product.status == Product.Status.CERTIFIED
    services.evaluation_correct_decision(
        evaluation=evaluation,
        by=administrator,
        reason="Sai ngày quyết định.",
        decision_number=evaluation.decision_number,
        decision_date=today() - timedelta(days=2),
        signer=evaluation.signer,
    )
    assert reload(certificate).extended_until == today() - timedelta(days=2)


def test_a_later_dossier_filed_after_expiry_keeps_the_earlier_extension(
    criteria_sets, commune, officer_co_do
):
    expiry = today() - timedelta(days=5)
    certificate = expiring_on(expiry, area=commune)
    evaluation = _late_and_forwarded(certificate, officer_co_do)
    services.evaluation_disqualify(evaluation=evaluation, by=office(), comment="Hồ sơ giả mạo.")
    services.evaluation_create(
        product=certificate.product,
        round=make_round(LAW, number=2),
        kind=Certificate.Kind.RENEWAL,
        by=officer_co_do,
    )
    # Filed after expiry: no grace, and the history of the first one stays.
    assert reload(certificate).extended_until == today()


# --- The 45 days to decide --------------------------------------------------------------------


def _accepted(certificate, officer, *, days_ago: int):
    evaluation = file_renewal(certificate, officer, filed_on=today())
    commune_report(evaluation)
    evaluation = services.evaluation_forward(evaluation=evaluation, by=officer)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=office())
    accepted = timezone.make_aware(datetime.combine(today() - timedelta(days=days_ago), time(9)))
    Transition.objects.filter(evaluation=evaluation, action=Transition.Action.ACCEPT).update(
        at=accepted
    )
    return evaluation


@pytest.mark.parametrize(("days_ago", "overdue"), [(0, False), (45, False), (46, True)])
def test_the_decision_is_due_45_days_from_the_complete_dossier(
    criteria_sets, commune, officer_co_do, days_ago, overdue
):
    certificate = expiring_on(today() + timedelta(days=150), area=commune)
    evaluation = _accepted(certificate, officer_co_do, days_ago=days_ago)
    [evaluation] = dossier.with_rerating_deadlines([evaluation], today())
    accepted_on = today() - timedelta(days=days_ago)
    assert evaluation.decision_deadline == accepted_on + timedelta(days=45)
    assert evaluation.decision_overdue is overdue


def test_the_deadline_shows_on_the_dossier_and_in_the_departments_queue(
    criteria_sets, commune, officer_co_do, city_reviewer, login
):
    certificate = expiring_on(today() + timedelta(days=150), area=commune)
    evaluation = _accepted(certificate, officer_co_do, days_ago=50)
    day = (today() - timedelta(days=5)).strftime("%d/%m/%Y")
    text = f"hạn quyết định: {day} (45 ngày từ ngày nhận đủ hồ sơ)"
    page = login(city_reviewer).get(evaluation.get_absolute_url()).content.decode()
    deadline = page[page.index('id="decision-deadline"') :][:600]
    assert text in deadline and "Quá hạn" in deadline
    queue = login(city_reviewer).get(reverse("evaluations:queue")).content.decode()
    row = queue[queue.index("queue-decision-deadline") :][:400]
    assert text in row and "Quá hạn" in row


def test_no_deadline_before_the_dossier_is_complete_or_for_a_new_product(
    criteria_sets, commune, officer_co_do
):
    certificate = expiring_on(today() + timedelta(days=150), area=commune)
    received = file_renewal(certificate, officer_co_do, filed_on=today())
    [received] = dossier.with_rerating_deadlines([received], today())
    assert received.decision_deadline is None
    new = services.evaluation_create(
        product=ProductFactory(
            producer=ProducerFactory(area=commune), category=category_26("I.1.a")
        ),
        round=make_round(LAW, number=2),
        kind=Certificate.Kind.NEW,
        by=officer_co_do,
    )
    commune_report(new)
    new = services.evaluation_forward(evaluation=new, by=officer_co_do)
    new = services.evaluation_accept(evaluation=new, by=office())
    [new] = dossier.with_rerating_deadlines([new], today())
    assert new.decision_deadline is None


# --- Notices ----------------------------------------------------------------------------------


@pytest.fixture
def officers(officer_co_do, officer_ninh_kieu, city_reviewer):
    for user in (officer_co_do, officer_ninh_kieu, city_reviewer):
        user.email = f"{user.username}@ocop.example"
        user.email_notices = True
        user.save()
    return officer_co_do


def told(certificate) -> set[tuple[str, str]]:
    return {
        (notice.recipient.username, notice.key.split(":")[0])
        for notice in Notice.objects.filter(key__endswith=f":{certificate.pk}")
    }


def test_the_window_opening_and_closing_are_told_once(
    commune, officers, mailoutbox, django_capture_on_commit_callbacks
):
    certificate = expiring_on(EXPIRY, area=commune, email="buoi@htx.example")
    opens = EXPIRY - timedelta(days=180)
    # The day before the window opens: nothing.
    assert notify_rerating(today=opens - timedelta(days=1)).notices == []
    with django_capture_on_commit_callbacks(execute=True):
        result = notify_rerating(today=opens)
    assert told(certificate) == {("codo", "rerating_open")}
    assert [(c, kind, address) for c, kind, address in result.emails] == [
        (certificate, "rerating_open", "buoi@htx.example")
    ]
    assert {tuple(m.to) for m in mailoutbox} == {("buoi@htx.example",), ("codo@ocop.example",)}
    producer_mail = next(m for m in mailoutbox if m.to == ["buoi@htx.example"])
    assert "Đến thời hạn nộp hồ sơ đánh giá lại" in producer_mail.subject
    assert "01/01/2027 đến hết ngày 02/03/2027" in producer_mail.body
    assert "Ủy ban nhân" in producer_mail.body and "27/12/2027" in producer_mail.body
    # Again, and the next days: nothing new.
    sent = len(mailoutbox)
    for day in (opens, opens + timedelta(days=1), EXPIRY - timedelta(days=135)):
        result = notify_rerating(today=day)
        assert (result.notices, result.emails) == ([], [])
    assert len(mailoutbox) == sent
    # 14 days before the window's last day (134 before expiry): the closing notice, once.
    notify_rerating(today=EXPIRY - timedelta(days=134))
    assert told(certificate) == {("codo", "rerating_open"), ("codo", "rerating_closing")}
    assert notify_rerating(today=EXPIRY - timedelta(days=120)).notices == []
    kinds = set(SentNotice.objects.filter(certificate=certificate).values_list("kind", flat=True))
    assert kinds == {"rerating_open", "rerating_closing"}
    # Once the window has closed: nothing more from these notices.
    assert notify_rerating(today=EXPIRY - timedelta(days=119)).notices == []


def test_nobody_is_told_once_a_dossier_is_filed(criteria_sets, commune, officers, mailoutbox):
    certificate = expiring_on(today() + timedelta(days=125), area=commune, email="a@htx.example")
    file_renewal(certificate, officers, filed_on=today())
    result = notify_rerating(today=today())
    assert (result.notices, result.emails, mailoutbox) == ([], [], [])


def test_no_notice_for_a_certificate_without_a_window(commune, officers, mailoutbox):
    expiring_on(date(2026, 5, 21), area=commune, email="a@htx.example")
    assert notify_rerating(today=date(2026, 5, 21) - timedelta(days=150)).notices == []
    assert mailoutbox == []


def test_the_daily_command_gives_them(commune, officers, mailoutbox):
    expiring_on(EXPIRY, area=commune, email="buoi@htx.example")
    out = StringIO()
    day = (EXPIRY - timedelta(days=170)).isoformat()
    call_command("notify_deadlines", "--date", day, stdout=out)
    assert "1 thông báo và 1 thư cho chủ thể" in out.getvalue()
    out = StringIO()
    call_command("notify_deadlines", "--date", day, stdout=out)
    assert "0 thông báo và 0 thư cho chủ thể" in out.getvalue()


# --- The page ---------------------------------------------------------------------------------


@pytest.fixture
def listed(criteria_sets, commune, officer_co_do):
    """One certificate in each state, today, in the commune of Cờ Đỏ's officer."""
    made = {
        State.NOT_YET_OPEN: expiring_on(today() + timedelta(days=200), area=commune, name="A"),
        State.OPEN: expiring_on(today() + timedelta(days=150), area=commune, name="B"),
        State.FILED: expiring_on(today() + timedelta(days=140), area=commune, name="C"),
        State.LATE: expiring_on(today() + timedelta(days=60), area=commune, name="D"),
        State.IN_GRACE: expiring_on(today() - timedelta(days=3), area=commune, name="E"),
        State.LAPSED: expiring_on(today() - timedelta(days=30), area=commune, name="F"),
    }
    file_renewal(made[State.FILED], officer_co_do, filed_on=today())
    file_renewal(made[State.IN_GRACE], officer_co_do, filed_on=today() - timedelta(days=10))
    return made


def test_each_certificate_shows_its_state_and_what_next(login, officer_co_do, listed):
    response = login(officer_co_do).get(URL)
    rows = {c.product.name: c for c in response.context["page"].object_list}
    # By default what is to be acted on, the most urgent first.
    assert list(rows) == ["E", "D", "B", "C", "F"]
    for state, certificate in listed.items():
        if state == State.NOT_YET_OPEN:
            continue
        assert rows[certificate.product.name].state == state
    html = response.text
    grace = (today() - timedelta(days=3) + timedelta(days=180)).strftime("%d/%m/%Y")
    assert f"Đang đánh giá lại, gia hạn đến {grace}" in html
    # The commune files for the open, late and lapsed ones; the others have their dossier.
    create = reverse("evaluations:create")
    for name in ("B", "D", "F"):
        assert rows[name].file_url == f"{create}?product={rows[name].product_id}&kind=renewal"
    for name in ("C", "E"):
        assert rows[name].file_url == "" and rows[name].dossier_url
    assert "Ủy ban nhân dân xã tiếp nhận" in rows["B"].next.who
    not_yet = login(officer_co_do).get(URL, {"state": "not_yet_open"}).context["page"]
    assert [c.product.name for c in not_yet] == ["A"]


def test_the_file_link_opens_the_create_page_as_a_renewal(login, officer_co_do, listed):
    row = next(c for c in login(officer_co_do).get(URL).context["page"] if c.product.name == "B")
    form = login(officer_co_do).get(row.file_url).context["form"]
    assert form.initial["kind"] == "renewal"
    assert form.initial["product"] == listed[State.OPEN].product


def test_the_department_sees_them_but_files_none(login, city_reviewer, listed):
    response = login(city_reviewer).get(URL)
    assert {c.product.name for c in response.context["page"]} >= {"B", "D", "E"}
    assert all(c.file_url == "" for c in response.context["page"])
    assert "Tiếp nhận hồ sơ đánh giá lại" not in response.text


def test_another_areas_officer_sees_none_of_them(login, officer_ninh_kieu, listed, client):
    assert client.get(URL).status_code == 302
    response = login(officer_ninh_kieu).get(URL)
    assert response.context["page"].paginator.count == 0
    for state in State.values:
        page = login(officer_ninh_kieu).get(URL, {"state": state}).context["page"]
        assert page.paginator.count == 0
    assert all(item["count"] == 0 for item in response.context["summary"])


def test_the_query_count_does_not_grow_with_rows(
    login, officer_co_do, listed, commune, django_assert_num_queries
):
    client = login(officer_co_do)
    client.get(URL)
    # Kept: the states' counts and the page's keys come from the cache.
    with django_assert_num_queries(8):
        client.get(URL)
    for n in range(30):
        expiring_on(today() + timedelta(days=100 + n), area=commune, name=f"Thêm {n:02}")
    # A certificate changed: counted and ordered again, in as many queries as before (the
    # latest change's time is the one its save noted).
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count >= 30


# --- The registry and the catalogue -----------------------------------------------------------


def test_a_product_in_grace_is_shown_as_re_rating(
    criteria_sets, commune, officer_co_do, login, client
):
    certificate = expiring_on(today() - timedelta(days=5), area=commune, name="Bưởi gia hạn")
    file_renewal(certificate, officer_co_do, filed_on=today() - timedelta(days=10))
    product = certificate.product
    registry = login(officer_co_do).get(reverse("products:list"), {"status": "rerating"})
    assert [p.pk for p in registry.context["page"].object_list] == [product.pk]
    assert "Đang đánh giá lại" in registry.text and "gia hạn đến" in registry.text
    client.logout()
    catalogue = client.get(reverse("catalogue:list"))
    assert "Bưởi gia hạn" in catalogue.text and "đang đánh giá lại" in catalogue.text
    page = client.get(product_url(product), follow=True)
    assert page.status_code == 200 and "đang đánh giá lại" in page.text


def product_url(product) -> str:
    return reverse("catalogue:product", args=[product.pk, "x"])


def test_no_certificate_is_due_before_the_widest_window_opens(criteria_sets):
    """The 26/2026 window opens 180 days before expiry; a basis with a wider window widens
    the home page's horizon; with no window anywhere, the default stands."""
    assert rerating.Schedule.load().opens_within(default=90) == 180
    assert rerating.Schedule([]).opens_within(default=90) == 90
    wider = LegalBasis.objects.get(code="26/2026/QĐ-TTg")
    wider.rerating_opens_days = 200
    assert rerating.Schedule([wider]).opens_within(default=90) == 200


def test_the_dates_a_state_could_have_leave_out_no_certificate_of_it(listed, commune):
    """``could_be`` narrows the re-rating list's page to the certificates near their window:
    for every state, and every pair, on days around each window's edges, it leaves out none of
    the certificates in them (a bound one day too tight would)."""
    schedule = rerating.Schedule.load()
    for days in (-121, -120, -1, 0, 1, 119, 120, 121, 179, 180, 181, 400):
        expiring_on(today() + timedelta(days=days), area=commune, name=f"Ngày {days}")
    revoked = expiring_on(today() + timedelta(days=300), area=commune, name="Thu hồi")
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_on=today() - timedelta(days=5), revoked_reason="Vi phạm"
    )
    certificates = Certificate.objects.all()
    states = [state.value for state in State]
    for on in (today(), today() + timedelta(days=1), today() - timedelta(days=1)):
        annotated = rerating.annotate_states(certificates, on, schedule)
        found = dict(annotated.values_list("pk", "rerating_state"))
        assert set(found.values()) >= {State.OPEN, State.LATE, State.LAPSED, State.NOT_YET_OPEN}
        for chosen in [[state] for state in states] + list(itertools.combinations(states, 2)):
            expected = {pk for pk, state in found.items() if state in chosen}
            narrowed = annotated.filter(rerating.could_be(chosen, on, schedule))
            assert set(narrowed.filter(rerating_state__in=chosen).values_list("pk", flat=True)) == (
                expected
            ), (on, chosen)
    # It does narrow: the late ones' condition leaves out the certificates far from expiry.
    late = certificates.filter(rerating.could_be([State.LATE], today(), schedule))
    assert not late.filter(valid_until__gt=today() + timedelta(days=200)).exists()
