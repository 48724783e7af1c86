from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = _("Content")

    def ready(self) -> None:
        import cms.events.admin_hooks  # noqa: F401  (registers Wagtail admin buttons)
        from cms import page_cache
        from cms.events.tasks import event_reminders_send
        from cms.tasks import pages_publish_scheduled
        from core.periodic import register

        page_cache.connect_signals()

        from accounts import privacy
        from cms.events.privacy import provider

        privacy.register(provider())
        register(event_reminders_send, every=timedelta(hours=1))
        register(pages_publish_scheduled, every=timedelta(minutes=1))
