from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from datetime import timedelta

        from accounts import privacy
        from accounts.services import accounts_provider
        from accounts.tasks import data_exports_purge
        from core.periodic import register

        privacy.register(accounts_provider())
        register(data_exports_purge, every=timedelta(hours=1))
