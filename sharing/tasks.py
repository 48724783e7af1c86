"""Background work for lending, run by `manage.py db_worker` (enqueued by `manage.py periodic`)."""

from django_tasks import task

from sharing import services


@task()
def loans_send_reminders() -> int:
    return services.loans_remind_due()


@task()
def waitlist_offer_task(item_id: int) -> int:
    item = services.Item.objects.filter(pk=item_id).first()
    return len(services.waitlist_offer(item=item)) if item else 0


@task()
def holds_expire() -> int:
    return services.holds_expire_due()


@task()
def booking_notify_task(reservation_id: int, kind: str) -> int:
    return services.booking_notify(reservation_id=reservation_id, kind=kind)
