from django_tasks import task

from chat import services


@task()
def unread_notify() -> int:
    return services.unread_notify_due()
