#!/usr/bin/env python
import os
import sys


def main():
    # Production is the default, as for WSGI: a command run from cron or by hand on the
    # server must never fall back to DEBUG, a fixed key and the console mailer. It refuses
    # to start without DJANGO_SECRET_KEY; development sets academy.settings.development
    # (scripts/demo does), the tests academy.settings.test.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
