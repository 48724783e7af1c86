from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:conversation_id>/", views.thread, name="thread"),
    path("<int:conversation_id>/blokker/", views.block, name="block"),
    path("<int:conversation_id>/rapporter/", views.report, name="report"),
    path("ny/<slug:about>/<int:object_id>/", views.conversation_start, name="start"),
]
