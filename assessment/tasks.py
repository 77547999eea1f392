"""Background tasks (Django's Tasks framework): the database queue in production, run at
once in development and the tests (`TASKS` in the settings)."""

from django.tasks import task

from assessment import services
from cohorts.models import Enrolment


@task
def render_portfolio_pdf(enrolment_id: int) -> str:
    """Render the PDF of one portfolio as it is when the task runs; return its hash.

    The portfolio may have changed since the PDF was asked for: the task renders what is
    there now, under that content's hash, and the page asks again for the current one.
    """
    enrolment = Enrolment.objects.for_listing().get(pk=enrolment_id)
    return services.render_portfolio_pdf(enrolment=enrolment).content_hash
