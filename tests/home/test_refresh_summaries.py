"""`manage.py refresh_summaries` (issue 17): the README's nightly line, run as written under
the production settings (as tests/learning/test_move_on_cron.py runs apply_move_on's), and
the command in process."""

import re
import sys
from datetime import date

import pytest
from django.core.management import call_command

from assessment.models import PortfolioSummary
from caseloads.models import CaseloadSummary
from tests.supervision.test_reminders_cron import ROOT, migrate_scratch, production_env, run

CRON_LINE = re.compile(r"`5 0 \* \* \* cd /srv/asye && (?P<command>[^`]+)`")


@pytest.mark.django_db
def test_the_readme_cron_line_refreshes_the_summaries_under_production_settings(
    tmp_path, migrated_copy
):
    command = CRON_LINE.search((ROOT / "README.md").read_text()).group("command")
    assert command == (
        "DJANGO_SETTINGS_MODULE=academy.settings.production .venv/bin/python manage.py "
        "refresh_summaries"
    )
    env = production_env(tmp_path, 25)
    python = [sys.executable, "manage.py"]
    production = ["--settings=academy.settings.production"]
    migrate_scratch(tmp_path, migrated_copy)
    make = "from tests import factories; factories.EnrolmentFactory()"
    made = run([*python, "shell", "-c", make, *production], env)
    assert made.returncode == 0, made.stderr
    result = run(f"cd {ROOT} && {command}", env, shell=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 portfolios" in result.stdout
    again = run(f"cd {ROOT} && {command}", env, shell=True)
    assert "0 portfolios" in again.stdout


def test_the_command_brings_each_summary_up_to_the_day(people, capsys):
    call_command("refresh_summaries", "--as-of", "2027-01-15")
    assert "2 portfolios, 2 caseloads" in capsys.readouterr().out
    day = date(2027, 1, 15)
    assert set(PortfolioSummary.objects.values_list("as_of", flat=True)) == {day}
    assert set(CaseloadSummary.objects.values_list("as_of", flat=True)) == {day}
