from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "marketplace"
    verbose_name = _("Give away and swap")

    def ready(self):
        from datetime import timedelta

        from django.urls import reverse

        from core.periodic import register
        from marketplace.tasks import (
            feedback_publish,
            listing_photos_purge,
            listings_expire,
            listings_send_reminders,
            saved_searches_send_digests,
        )

        register(listings_expire, every=timedelta(minutes=15))
        register(listings_send_reminders, every=timedelta(hours=1))
        register(saved_searches_send_digests, every=timedelta(days=1))
        register(feedback_publish, every=timedelta(hours=6))
        register(listing_photos_purge, every=timedelta(days=1))

        from accounts import privacy
        from marketplace.privacy import provider

        privacy.register(provider())

        from chat.registry import SubjectType, register_subject
        from marketplace.models import Listing

        register_subject(
            SubjectType(
                name="listing",
                model=Listing,
                owner_of=lambda listing: listing.owner,
                title_of=lambda listing: listing.title,
                url_of=lambda listing: reverse("marketplace:detail", args=[listing.pk]),
                # Anyone signed in may ask about a listing others can see, but not about their own.
                can_discuss=lambda user, listing: listing.is_public and user.pk != listing.owner_id,
            )
        )
