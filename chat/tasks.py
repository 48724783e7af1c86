from django_tasks import task

from chat import services


@task()
def unread_notify() -> int:
    return services.unread_notify_due()


@task()
def deleted_user_messages_purge() -> int:
    from chat.privacy import deleted_user_messages_purge_due

    return deleted_user_messages_purge_due()
