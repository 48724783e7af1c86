from django.urls import path

from accounts import views

urlpatterns = [
    path("innstillinger/", views.settings_view, name="account_settings"),
    path("innstillinger/tokens/", views.token_create_view, name="account_token_create"),
    path("innstillinger/tokens/<int:token_id>/slett/", views.token_revoke_view, name="account_token_revoke"),
    path("innstillinger/mine-data/", views.data_export_request_view, name="account_data_export"),
    path(
        "innstillinger/mine-data/<str:token>/",
        views.data_export_download_view,
        name="account_data_export_download",
    ),
    path("innstillinger/slett-konto/", views.account_delete_view, name="account_delete"),
]
