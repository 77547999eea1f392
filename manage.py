#!/usr/bin/env python
import os
import sys


def main():
    # A workstation's default. Every command on a server names the production settings
    # itself (README: the cron line, migrate, db_worker), so it can never fall back to
    # DEBUG, a fixed key and the console mailer; a test runs the cron line as written.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
