"""Running the portal on a server: one configuration file read by the portal, gunicorn, a shell
and the scripts; the schedule; backups that restore; an administrator who is one."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.management import call_command, get_commands
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a fresh login shell: none of the suite's or the portal's variables."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    environment = {k: v for k, v in os.environ.items() if k in keep}
    environment.update(extra)
    return environment


def env_example() -> dict[str, str]:
    """.env.example as the portal reads it (django-environ)."""

    class FileOnly(environ.Env):
        ENVIRON: dict[str, str] = {}

    FileOnly.read_env(ROOT / ".env.example", overwrite=True)
    return FileOnly.ENVIRON


# --- One configuration file -----------------------------------------------------------------


def test_env_example_can_be_sourced_by_a_shell_with_the_values_the_portal_reads():
    values = env_example()
    assert "DEFAULT_FROM_EMAIL" in values and "SECRET_KEY" in values
    script = "set -euo pipefail; set -a; . ./.env.example; set +a; " + "; ".join(
        f'printf "%s=%s\\0" {name} "${{{name}}}"' for name in values
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=clean_environment(), capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    from_shell = dict(item.split("=", 1) for item in result.stdout.decode().split("\0") if item)
    assert from_shell == values


CONFIGURED_BY = ("ocop_portal/settings.py", "gunicorn.conf.py", "scripts/backup.sh")


def read_variables() -> set[str]:
    """The names the portal, gunicorn and the backup script read from the environment."""
    names = set()
    for path in CONFIGURED_BY:
        source = (ROOT / path).read_text(encoding="utf-8")
        names |= set(
            re.findall(r'(?:env\.\w+|_int|_bool|os\.environ\.get)\(\s*"([A-Z_]+)"', source)
        )
        names |= set(re.findall(r"\$\{(BACKUP_[A-Z_]+)", source))
    return {name for name in names if not name.startswith("_")}  # _…: gunicorn's own marks


def test_every_variable_of_the_env_example_is_one_the_portal_reads():
    """No variable documented that nothing reads (a typo would silently do nothing)."""
    assert set(env_example()) - read_variables() == set()


def test_every_variable_read_is_in_the_readme_table_and_the_env_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = read_variables()
    assert {"SECRET_KEY", "GUNICORN_BIND", "BACKUP_KEEP_DAYS", "OCOP_ENV_FILE"} <= names
    assert sorted(name for name in names if f"`{name}`" not in table) == []
    assert sorted(name for name in names if name not in example) == []


def gunicorn_settings(env_file: Path, reload_with: str | None = None, **real: str) -> str:
    """Run gunicorn.conf.py as gunicorn does (and again, as on HUP, after rewriting the file)."""
    code = (
        "import runpy, sys\n"
        "c = runpy.run_path('gunicorn.conf.py')\n"
        "print(c['bind'], c['workers'], c['timeout'])\n"
        "if len(sys.argv) > 1:\n"
        "    open(sys.argv[1], 'w').write(sys.argv[2])\n"
        "    c = runpy.run_path('gunicorn.conf.py')\n"
        "    print(c['bind'], c['workers'], c['timeout'])\n"
    )
    args = [sys.executable, "-c", code]
    if reload_with is not None:
        args += [str(env_file), reload_with]
    result = subprocess.run(
        args,
        cwd=ROOT,
        env=clean_environment(OCOP_ENV_FILE=str(env_file), **real),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gunicorn_reads_the_portals_env_file(tmp_path):
    env_file = tmp_path / "ocop.env"
    env_file.write_text("GUNICORN_BIND='127.0.0.1:8123'\nWEB_CONCURRENCY=3\nGUNICORN_TIMEOUT=45\n")
    assert gunicorn_settings(env_file) == "['127.0.0.1:8123'] 3 45\n"


def test_a_worker_leaves_what_the_portal_made_at_start_out_of_the_collectors_passes(tmp_path):
    env_file = tmp_path / "ocop.env"
    env_file.write_text("")
    code = (
        "import gc, runpy\n"
        "c = runpy.run_path('gunicorn.conf.py')\n"
        "before = gc.get_freeze_count()\n"
        "c['post_worker_init'](None)\n"
        "print(before == 0 and gc.get_freeze_count() > 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(OCOP_ENV_FILE=str(env_file)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout == "True\n", result.stderr


def test_a_reload_sees_the_files_new_values_and_the_real_environment_still_wins(tmp_path):
    env_file = tmp_path / "ocop.env"
    env_file.write_text("WEB_CONCURRENCY=3\nGUNICORN_TIMEOUT=45\n")
    output = gunicorn_settings(env_file, reload_with="WEB_CONCURRENCY=4\n", GUNICORN_TIMEOUT="20")
    # Timeout from the real environment both times; workers follow the file; a variable removed
    # from the file is gone after the reload.
    assert output.splitlines() == ["['127.0.0.1:8000'] 3 20", "['127.0.0.1:8000'] 4 20"]
    env_file.write_text("GUNICORN_TIMEOUT=45\n")
    output = gunicorn_settings(env_file, reload_with="\n")
    assert output.splitlines()[1].endswith(" 30")


def test_the_portal_reads_the_file_ocop_env_file_names(tmp_path):
    env_file = tmp_path / "ocop.env"
    env_file.write_text(
        "DEBUG=true\nDEFAULT_FROM_EMAIL='OCOP Tỉnh An Giang <ocop@angiang.example>'\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEFAULT_FROM_EMAIL)",
        ],
        cwd=ROOT,
        env=clean_environment(OCOP_ENV_FILE=str(env_file)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "OCOP Tỉnh An Giang <ocop@angiang.example>", (
        result.stderr
    )


@pytest.mark.parametrize(
    ("variables", "queues"),
    [
        ({}, "None False"),
        ({"QUEUE_URL": "redis://127.0.0.1:6379/2"}, "redis://127.0.0.1:6379/2 True"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/3"}, "redis://127.0.0.1:6379/3 True"),
    ],
)
def test_the_task_queue_is_configured_from_the_environment(tmp_path, variables, queues):
    """No queue by default (jobs run inline); QUEUE_URL, else REDIS_URL, names it."""
    env_file = tmp_path / "ocop.env"
    env_file.write_text("DEBUG=true\n")
    code = (
        "from django.conf import settings; q = getattr(settings, 'RQ_QUEUES', None); "
        "print(q and q['default']['URL'], 'django_rq' in settings.INSTALLED_APPS)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=clean_environment(OCOP_ENV_FILE=str(env_file), **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == queues, result.stderr


# --- The schedule -------------------------------------------------------------------------


def schedule() -> list[str]:
    lines = (ROOT / "deploy" / "crontab").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and line[0].isdigit()]


def test_the_schedule_runs_commands_that_exist_through_the_job_runner():
    commands = get_commands()
    jobs = schedule()
    assert len(jobs) >= 5
    for line in jobs:
        assert len(line.split()) >= 8, line  # five time fields, the user, the command
        assert " ocop bash /srv/ocop/scripts/job.sh " in line, line
        managed = re.search(r"manage\.py (\S+)", line)
        if managed:
            assert managed.group(1) in commands, line
        script = re.search(r"bash (scripts/\S+\.sh)", line)
        if script:
            assert (ROOT / script.group(1)).exists(), line
    text = "\n".join(jobs)
    for job in ("notify_expiring", "clearsessions", "scripts/backup.sh", "restore_check.sh"):
        assert job in text


def test_the_readme_shows_the_same_schedule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in schedule():
        assert line in readme


def job(tmp_path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/job.sh", *command],
        cwd=ROOT,
        env=clean_environment(OCOP_LOCK_DIR=str(tmp_path), OCOP_JOB_LOG="stdout"),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_job_runs_from_the_project_and_is_silent_on_stderr_when_it_succeeds(tmp_path):
    result = job(tmp_path, "probe", "bash", "-c", "pwd; echo done")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [str(ROOT), "done"]
    assert result.stderr == ""


def test_a_failing_job_says_so_on_stderr_for_crons_mail(tmp_path):
    result = job(tmp_path, "probe", "bash", "-c", "echo boom; exit 3")
    assert result.returncode == 3
    assert "boom" in result.stdout
    assert "ocop-probe: failed with status 3" in result.stderr


def test_a_job_is_skipped_while_its_previous_run_still_goes(tmp_path):
    with subprocess.Popen(["flock", str(tmp_path / "ocop-probe.lock"), "sleep", "30"]) as held:
        try:
            for _ in range(50):  # until the lock is taken
                probe = subprocess.run(["flock", "-n", str(tmp_path / "ocop-probe.lock"), "true"])
                if probe.returncode:
                    break
            result = job(tmp_path, "probe", "bash", "-c", "echo ran")
        finally:
            held.kill()
    assert "ran" not in result.stdout
    assert result.returncode == 75
    assert "ocop-probe: skipped" in result.stderr


# --- The deployment examples -------------------------------------------------------------


def test_the_service_reloads_gracefully_and_reads_no_environment_file_of_its_own():
    unit = (ROOT / "deploy" / "ocop.service").read_text(encoding="utf-8")
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in unit
    assert "ExecStart=/srv/ocop/.venv/bin/gunicorn ocop_portal.wsgi" in unit
    assert "User=ocop" in unit
    assert not re.search(r"^EnvironmentFile=", unit, re.M)


def test_the_worker_runs_the_queues_jobs_as_the_portal_does():
    unit = (ROOT / "deploy" / "ocop-worker.service").read_text(encoding="utf-8")
    assert "ExecStart=/srv/ocop/.venv/bin/python manage.py rqworker default" in unit
    assert "User=ocop" in unit and "WorkingDirectory=/srv/ocop" in unit
    assert not re.search(r"^EnvironmentFile=", unit, re.M)
    # The queue the worker reads is the one the portal writes to.
    settings = (ROOT / "ocop_portal" / "settings.py").read_text(encoding="utf-8")
    assert 'OCOP_JOBS_QUEUE = "default"' in settings
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/ocop-worker.service" in readme


def test_the_proxy_example_sets_the_headers_the_portal_trusts():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header Host $host;" in nginx
    assert "location = /healthz" in nginx
    assert "alias /srv/ocop/staticfiles/;" in nginx
    assert "alias /var/lib/ocop/media/;" in nginx
    assert "BEHIND_PROXY=true" in (ROOT / ".env.example").read_text(encoding="utf-8")


# --- An administrator who is one -----------------------------------------------------------


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator(can_tho):
    from accounts.models import User

    call_command(
        "createsuperuser",
        username="quantri",
        email="quantri@angiang.example",
        interactive=False,
        verbosity=0,
    )
    user = User.objects.get(username="quantri")
    assert user.role == User.Role.ADMIN
    assert user.is_superuser and user.is_staff
    assert User.objects.create_user("canbo").role == User.Role.OFFICER


# --- Backups that restore (PostgreSQL) -------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    not shutil.which("pg_dump") or not shutil.which("pg_restore"),
    reason="pg_dump and pg_restore are not installed",
)


def database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}"
    )


def script(name: str, *args: str, env_file: Path, **extra: str) -> subprocess.CompletedProcess:
    # As cron runs it: another directory, a bare environment, the configuration in the file.
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *args],
        cwd="/",
        env=clean_environment(OCOP_ENV_FILE=str(env_file), **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def postgres_env_file(tmp_path, db):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL")
    env_file = tmp_path / "ocop.env"
    env_file.write_text(f"DATABASE_URL='{database_url()}'\nBACKUP_DIR='{tmp_path / 'dumps'}'\n")
    return env_file


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@needs_postgresql
def test_backup_then_restore_under_a_new_name_gives_the_same_counts(postgres_env_file, tmp_path):
    backup = script("backup.sh", env_file=postgres_env_file)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path / "dumps" and dump.stat().st_size > 0

    copy = f"{connection.settings_dict['NAME']}_copy_{os.getpid()}"
    assert not database_exists(copy)
    check = script("restore_check.sh", str(dump), env_file=postgres_env_file, RESTORE_DB=copy)
    assert check.returncode == 0, check.stdout + check.stderr
    tables, rows = map(int, re.search(r"OK: (\d+) tables, (\d+) rows", check.stdout).groups())
    assert tables > 40 and rows > 100  # the areas loaded for the suite, at least
    assert not database_exists(copy)  # the check drops the copy it made, and only that


@needs_postgresql
def test_restore_refuses_a_database_that_exists(postgres_env_file, tmp_path):
    existing = connection.settings_dict["NAME"]
    result = script("restore.sh", str(tmp_path / "x.dump"), existing, env_file=postgres_env_file)
    assert result.returncode != 0
    result = script("restore_check.sh", env_file=postgres_env_file, RESTORE_DB=existing)
    assert result.returncode == 3
    assert "already exists" in result.stderr
    assert database_exists(existing)
