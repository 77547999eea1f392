"""Pinning `timezone.localdate()` (what the services and views call "today") to a day,
while the clock itself runs on: the summary rows tell a change from a later refresh by the
real time (issue 17), which a travel back in time would confuse."""

from django.utils import timezone


def pin_today(monkeypatch, day):
    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: day if value is None else real(value, timezone),
    )
    return day
