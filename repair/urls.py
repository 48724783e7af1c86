from django.urls import path

from repair import views

app_name = "repair"

urlpatterns = [
    path("", views.repairer_list, name="list"),
    path("kart/", views.repairer_map, name="map"),
    path("data/ords.csv", views.ords_export, name="ords"),
    path("logg/", views.repair_log, name="log"),
    path("pristilbud/<int:quote_id>/bilde/<int:photo_id>/", views.quote_photo, name="quote_photo"),
    path("invitasjon/<str:token>/", views.coowner_accept, name="coowner_accept"),
    path("mine/", views.dashboard, name="dashboard"),
    path("mine/ny/", views.dashboard_create, name="dashboard_create"),
    path("mine/<int:repairer_id>/", views.dashboard_edit, name="dashboard_edit"),
    path("mine/<int:repairer_id>/apningstider/", views.dashboard_hours, name="dashboard_hours"),
    path("mine/<int:repairer_id>/tjenester/", views.dashboard_services, name="dashboard_services"),
    path("mine/<int:repairer_id>/bilder/", views.dashboard_photos, name="dashboard_photos"),
    path("mine/<int:repairer_id>/eiere/", views.dashboard_owners, name="dashboard_owners"),
    path("mine/<int:repairer_id>/send/", views.dashboard_submit, name="dashboard_submit"),
    path("<slug:slug>/", views.repairer_detail, name="detail"),
    path("<slug:slug>/pristilbud/", views.quote_request, name="quote_request"),
    path("<slug:slug>/krev/", views.claim, name="claim"),
    path("<slug:slug>/vurdering/", views.review_save, name="review_save"),
    path("<slug:slug>/vurdering/slett/", views.review_delete, name="review_delete"),
    path("<slug:slug>/vurdering/<int:review_id>/svar/", views.review_answer, name="review_answer"),
    path("<slug:slug>/vurdering/<int:review_id>/rapporter/", views.review_report, name="review_report"),
]
