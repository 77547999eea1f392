"""Issue 15 item 1: a panel meets within two academic years of this one; 0001-01-01 or
9999-12-31 is refused with the field and the range, never a 500."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from moderation import services
from moderation.models import Panel
from tests.moderation.conftest import make_panel, seats

# Academic year 2026/27: panels from 01/09/2024 to 31/08/2029.
TODAY = date(2026, 12, 1)
RANGE = "The meeting date must be between 01/09/2024 and 31/08/2029"


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "held_on", [date(1, 1, 1), date(2024, 8, 31), date(2029, 9, 1), date(9999, 12, 31)]
)
def test_a_panel_outside_the_academic_years_is_refused(crew, held_on):
    with pytest.raises(ValidationError) as error:
        make_panel(crew, held_on=held_on)
    assert error.value.message_dict["held_on"][0].startswith(RANGE)
    assert not Panel.objects.exists()


@time_machine.travel(TODAY)
@pytest.mark.parametrize("held_on", [date(2024, 9, 2), date(2029, 8, 31)])
def test_a_panel_at_the_ends_of_the_range_is_fine(crew, held_on):
    make_panel(crew, held_on=held_on)


@time_machine.travel(TODAY)
def test_moving_a_panel_far_away_is_refused(crew):
    panel = make_panel(crew, held_on=date(2027, 1, 20))
    with pytest.raises(ValidationError) as error:
        services.change_panel(
            panel=panel, by=crew["chair"], held_on=date(1, 1, 1), seats=seats(crew)
        )
    assert error.value.message_dict["held_on"][0].startswith(RANGE)
    panel.refresh_from_db()
    assert panel.held_on == date(2027, 1, 20)


def test_an_old_panel_can_still_be_changed_when_its_date_is_not(crew):
    with time_machine.travel(date(2022, 12, 1)):
        panel = make_panel(crew, held_on=date(2023, 1, 20))
    with time_machine.travel(TODAY):
        services.change_panel(
            panel=panel, by=crew["chair"], held_on=panel.held_on, seats=seats(crew), venue="Hall"
        )
