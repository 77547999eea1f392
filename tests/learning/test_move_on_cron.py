"""The README's cron line for apply_move_on (MOVE-ON), run as written under the production
settings, applies the day's move-ons. Run in a shell from the repository with only the
production environment variables set, against a scratch SQLite database, as the
send_reminders line is (tests/supervision/test_reminders_cron.py)."""

import re
import sys

import pytest

from tests.supervision.test_reminders_cron import ROOT, migrate_scratch, production_env, run

CRON_LINE = re.compile(r"`0 2 \* \* \* cd /srv/asye && (?P<command>[^`]+)`")

# An NQSW whose ASYE ended last year, with their destination recorded by the GM.
MAKE_A_FINISHED_NQSW_WITH_A_DESTINATION = """
from datetime import date
from learning.models import MoveOn
from tests import factories
enrolment = factories.EnrolmentFactory(asye_start=date(2024, 9, 2))
group = enrolment.practice_group
destination = factories.PracticeGroupFactory(name="Worthing CA&I main", service=group.service)
MoveOn.objects.create(
    enrolment=enrolment, destination=destination, recorded_by=group.group_manager,
    recorded_on=date(2025, 7, 1),
)
"""


# A database test so that the test database exists to be copied; it writes nothing to it.
@pytest.mark.django_db
def test_the_readme_cron_line_applies_move_ons_under_production_settings(tmp_path, migrated_copy):
    command = CRON_LINE.search((ROOT / "README.md").read_text()).group("command")
    assert command == (
        "DJANGO_SETTINGS_MODULE=academy.settings.production .venv/bin/python manage.py "
        "apply_move_on"
    )
    env = production_env(tmp_path, 25)
    python = [sys.executable, "manage.py"]
    production = ["--settings=academy.settings.production"]
    migrate_scratch(tmp_path, migrated_copy)
    made = run([*python, "shell", "-c", MAKE_A_FINISHED_NQSW_WITH_A_DESTINATION, *production], env)
    assert made.returncode == 0, made.stderr
    # The line as written, from the repository instead of /srv/asye.
    result = run(f"cd {ROOT} && {command}", env, shell=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "-> Worthing CA&I main" in result.stdout
    assert "1 move(s) applied." in result.stdout
