"""Background work for events, run by `manage.py db_worker` (enqueued by `manage.py periodic`)."""

from django_tasks import task

from cms.events import services


@task()
def event_reminders_send() -> int:
    return services.registrations_remind_due()
