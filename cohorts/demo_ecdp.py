"""The demo's ECDP pilot (issue 14): `seed_demo` runs it as the cohorts app's step, after
the ASYE demo and before the features' steps (assessment's loads the sample framework)."""

from datetime import date

from cohorts import demo


def build(*, today: date, people) -> dict:
    return demo.ecdp_pilot(people)
