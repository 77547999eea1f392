"""The README's cron line for send_reminders, run as written, sends mail (issue 15 item 10).

`manage.py` defaults to the development settings, so a cron line without the settings
module printed the reminders to the console instead of sending them. The README's line names
the production settings; it is taken from README.md and run in a shell from the repository
with only the production environment variables set (no DJANGO_SETTINGS_MODULE), against a
scratch SQLite database and a local SMTP listener.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRON_LINE = re.compile(r"`15 7 \* \* \* cd /srv/asye && (?P<command>[^`]+)`")

MAKE_AN_OVERDUE_NQSW = """
from tests import factories
factories.EnrolmentFactory()
"""


class SMTPListener(threading.Thread):
    """Just enough SMTP to take messages: it records each DATA part it is sent."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.messages: list[str] = []

    def run(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as lines:
                conn.sendall(b"220 test ready\r\n")
                for raw in lines:
                    verb = raw.decode(errors="replace").strip().upper()
                    if verb.startswith("DATA"):
                        conn.sendall(b"354 go on\r\n")
                        body = []
                        for part in lines:
                            if part in (b".\r\n", b".\n"):
                                break
                            body.append(part.decode(errors="replace"))
                        self.messages.append("".join(body))
                        conn.sendall(b"250 queued\r\n")
                    elif verb.startswith("QUIT"):
                        conn.sendall(b"221 bye\r\n")
                        break
                    elif verb.startswith("EHLO") or verb.startswith("HELO"):
                        conn.sendall(b"250 test\r\n")
                    else:
                        conn.sendall(b"250 ok\r\n")

    def stop(self):
        self.server.close()


def production_env(tmp_path, smtp_port):
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "PYTHONPATH")
    }
    return {
        **inherited,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "asye.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'asye.sqlite3'}",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
    }


def run(args, env, shell=False):
    return subprocess.run(
        args, cwd=ROOT, env=env, shell=shell, capture_output=True, text=True, timeout=300
    )


def migrate_scratch(tmp_path, migrated_copy):
    """The scratch database the cron line runs against: a copy of a migrated SQLite
    database (tests/conftest.py `migrated_copy`)."""
    shutil.copy(migrated_copy, tmp_path / "asye.sqlite3")


# A database test so that the test database exists (on SQLite it is copied); the test
# itself writes nothing to it.
@pytest.mark.django_db
def test_the_readme_cron_line_sends_reminders_under_production_settings(tmp_path, migrated_copy):
    command = CRON_LINE.search((ROOT / "README.md").read_text()).group("command")
    assert command == (
        "DJANGO_SETTINGS_MODULE=academy.settings.production .venv/bin/python manage.py "
        "send_reminders"
    )
    smtp = SMTPListener()
    smtp.start()
    try:
        env = production_env(tmp_path, smtp.port)
        python = [sys.executable, "manage.py"]
        production = ["--settings=academy.settings.production"]
        migrate_scratch(tmp_path, migrated_copy)
        made = run([*python, "shell", "-c", MAKE_AN_OVERDUE_NQSW, *production], env)
        assert made.returncode == 0, made.stderr
        # The line as written, from the repository instead of /srv/asye.
        result = run(f"cd {ROOT} && {command}", env, shell=True)
    finally:
        smtp.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout, result.stdout
    # Sent through SMTP, not printed by the console mailer.
    assert "Subject:" not in result.stdout
    assert smtp.messages, result.stdout
    assert any("Supervision" in message or "supervision" in message for message in smtp.messages)


def test_the_readme_cron_line_is_production_and_wants_a_key(tmp_path):
    command = CRON_LINE.search((ROOT / "README.md").read_text()).group("command")
    env = production_env(tmp_path, 25)
    del env["DJANGO_SECRET_KEY"]
    result = run(f"cd {ROOT} && {command.replace('send_reminders', 'check')}", env, shell=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
