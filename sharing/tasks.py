"""Background work for lending, run by `manage.py db_worker` (enqueued by `manage.py periodic`)."""

from django_tasks import task

from sharing import services


@task()
def loans_send_reminders() -> int:
    return services.loans_remind_due()
