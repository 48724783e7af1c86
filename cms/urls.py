from django.urls import path

from cms import views

urlpatterns = [
    path("sok/", views.search_view, name="search"),
]
