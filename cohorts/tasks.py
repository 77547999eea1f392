"""Background tasks (Django's Tasks framework), as moderation/tasks.py: the database queue in
production, run at once in development and the tests (`TASKS` in the settings)."""

from django.tasks import task

from cohorts import services
from cohorts.models import PeopleImport


@task
def import_people(import_id: int) -> str:
    """The starters CSV an administrator uploaded (issue 17 item 5); returns the status."""
    return services.run_people_import(people_import=PeopleImport.objects.get(pk=import_id)).status
