from django.urls import path

from accounts import views

urlpatterns = [
    path("innstillinger/", views.settings_view, name="account_settings"),
    path("innstillinger/tokens/", views.token_create_view, name="account_token_create"),
    path("innstillinger/tokens/<int:token_id>/slett/", views.token_revoke_view, name="account_token_revoke"),
]
