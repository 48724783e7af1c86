from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("", views.listing_list, name="list"),
    path("kart/", views.listing_map, name="map"),
    path("ny/", views.listing_create, name="create"),
    path("mine/", views.my_listings, name="mine"),
    path("lagret/", views.saved, name="saved"),
    path("lagret/sok/", views.saved_search_create, name="save_search"),
    path("varsel/stopp/<str:token>/", views.saved_search_unsubscribe, name="unsubscribe"),
    path("<int:listing_id>/", views.listing_detail, name="detail"),
    path("<int:listing_id>/rediger/", views.listing_edit, name="edit"),
    path("<int:listing_id>/reserver/", views.listing_reserve, name="reserve"),
    path("<int:listing_id>/lagre/", views.listing_favourite, name="favourite"),
    path("<int:listing_id>/rapporter/", views.listing_report, name="report"),
    path("<int:listing_id>/tilbakemelding/", views.listing_feedback, name="feedback"),
    path("<int:listing_id>/skjul/<slug:what>/", views.listing_hide, name="hide"),
    path("<int:listing_id>/bilder/", views.listing_photos, name="photos"),
    path("<int:listing_id>/forny/<str:token>/", views.listing_renew_by_link, name="renew"),
    path("<int:listing_id>/<slug:action>/", views.listing_action, name="action"),
]
