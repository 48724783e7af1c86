from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sharing"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from accounts.security import register_staff_check
        from core import crosslinks
        from core.periodic import register
        from sharing.selectors import borrow_instead_offers
        from sharing.tasks import holds_expire, loans_send_reminders

        register(loans_send_reminders, every=timedelta(hours=1))
        register(holds_expire, every=timedelta(minutes=15))
        crosslinks.register(crosslinks.BORROW_INSTEAD, borrow_instead_offers)

        from accounts import privacy
        from sharing.privacy import provider

        privacy.register(provider())

        from django.urls import reverse

        from chat.registry import SubjectType, register_subject
        from sharing.models import Item
        from sharing.permissions import can_discuss_item, item_answerer

        register_subject(
            SubjectType(
                name="item",
                model=Item,
                # A neighbour answers about their own item; for a hub's item, its first staff member.
                owner_of=item_answerer,
                title_of=lambda item: item.title,
                url_of=lambda item: reverse("sharing:detail", args=[item.pk]),
                can_discuss=can_discuss_item,
            )
        )

        # Hub staff must use two-factor authentication on the hub desk (accounts/security.py).
        register_staff_check(lambda user: user.staffed_hubs.exists())
