"""Background work, run by `manage.py db_worker` (enqueued every hour by `manage.py periodic`)."""

from django_tasks import task

from marketplace import services


@task()
def listings_expire() -> int:
    return services.listings_expire_due()


@task()
def listings_send_reminders() -> int:
    return services.listings_remind_due()
