"""Background work, run by `manage.py db_worker` (enqueued by `manage.py periodic`)."""

from django.core.management import call_command
from django_tasks import task


@task()
def pages_publish_scheduled() -> None:
    """Publish the approved revisions whose "go live" time has come, and unpublish expired
    pages (Wagtail's own command: scheduled publishing)."""
    call_command("publish_scheduled", verbosity=0)
