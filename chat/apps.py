from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = _("Messages")

    def ready(self):
        from datetime import timedelta

        from allauth.account.signals import password_changed, password_reset, password_set
        from django.contrib.auth.signals import user_logged_out

        from accounts import privacy
        from chat.privacy import provider
        from chat.services import user_sockets_close
        from chat.tasks import deleted_user_messages_purge, unread_notify
        from core.periodic import register

        register(unread_notify, every=timedelta(minutes=1))
        register(deleted_user_messages_purge, every=timedelta(days=1))
        privacy.register(provider())

        def close_sockets(sender, request=None, user=None, **kwargs):
            if user is not None:
                user_sockets_close(user.pk)

        # A socket must not outlive the session it was opened with.
        for signal in (user_logged_out, password_changed, password_reset, password_set):
            signal.connect(close_sockets, weak=False, dispatch_uid=f"chat-close-sockets-{signal!r}")
