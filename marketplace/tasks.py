"""Background work, run by `manage.py db_worker` (enqueued every hour by `manage.py periodic`)."""

from django_tasks import task

from marketplace import services


@task()
def listings_expire() -> int:
    return services.listings_expire_due()


@task()
def listings_send_reminders() -> int:
    return services.listings_remind_due()


@task()
def saved_searches_match(listing_id: int) -> int:
    listing = services.Listing.objects.filter(pk=listing_id).first()
    return services.saved_searches_match_listing(listing=listing) if listing else 0


@task()
def saved_searches_send_digests() -> int:
    return services.saved_searches_send_digests()


@task()
def feedback_publish() -> int:
    return services.feedback_publish_due()


@task()
def listing_photos_purge() -> int:
    from marketplace.privacy import listing_photos_purge_due

    return listing_photos_purge_due()
