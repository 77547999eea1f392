import pytest
import time_machine


@pytest.fixture
def ticking_clock(request):
    """The test module's TODAY with a clock that ticks, from before the other fixtures (ask
    for it first): the summary rows (issue 17) tell a change from a later refresh by the
    time, so a query count of the steady state needs the fixtures' writes dated before the
    views' refreshes. A row written at the real time would be newer than every summary
    written on a TODAY already past, and stay stale."""
    with time_machine.travel(request.module.TODAY, tick=True):
        yield
