from django.urls import path

from sharing import desk_views, views

app_name = "sharing"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("mine/", views.my_loans, name="mine"),
    path("mine/<int:reservation_id>/avbestill/", views.loan_cancel, name="cancel"),
    path("mine/<int:reservation_id>/forleng/", views.loan_extend, name="extend"),
    path("mine/forleng-alle/", views.loans_extend_all, name="extend_all"),
    path("mine/tilbud/<int:reservation_id>/", views.offer_answer, name="offer"),
    path("mine/venteliste/<int:entry_id>/forlat/", views.waitlist_leave_view, name="waitlist_leave"),
    path("utlan/", views.my_lending, name="lending"),
    path("utlan/<int:reservation_id>/", views.owner_decide, name="owner_decide"),
    path("kart/", views.item_map, name="map"),
    path("utlan/ny/", desk_views.item_new, name="item_new"),
    path("utlan/<int:reservation_id>/utlever/", desk_views.owner_check_out, name="owner_check_out"),
    path("utlan/<int:reservation_id>/ta-imot/", desk_views.owner_check_in, name="owner_check_in"),
    path("utlan/<int:reservation_id>/melding/", desk_views.owner_message, name="owner_message"),
    path("utlan/enhet/<int:unit_id>/reparasjon/", desk_views.owner_refer, name="owner_refer"),
    path("utlan/enhet/<int:unit_id>/reparert/", desk_views.owner_repaired, name="owner_repaired"),
    path("sentral/<slug:slug>/", views.hub_staff, name="hub"),
    path("sentral/<slug:slug>/utlever/<int:reservation_id>/", desk_views.hub_check_out, name="hub_check_out"),
    path("sentral/<slug:slug>/ta-imot/<int:reservation_id>/", desk_views.hub_check_in, name="hub_check_in"),
    path("sentral/<slug:slug>/melding/<int:reservation_id>/", desk_views.hub_message, name="hub_message"),
    path("sentral/<slug:slug>/enhet/<int:unit_id>/reparasjon/", desk_views.hub_refer, name="hub_refer"),
    path("sentral/<slug:slug>/enhet/<int:unit_id>/reparert/", desk_views.hub_repaired, name="hub_repaired"),
    path("sentral/<slug:slug>/rapporter/", desk_views.hub_reports_view, name="hub_reports"),
    path("sentral/<slug:slug>/rapporter/forsinket.csv", desk_views.hub_overdue_csv, name="hub_overdue_csv"),
    path("sentral/<slug:slug>/reservasjon/<int:reservation_id>/", views.hub_decide, name="decide"),
    path("<int:item_id>/", views.item_detail, name="detail"),
    path("<int:item_id>/reserver/", views.item_book, name="book"),
    path("<int:item_id>/venteliste/", views.waitlist_join_view, name="waitlist_join"),
    path("<int:item_id>/endre/", desk_views.item_edit, name="item_edit"),
    path("<int:item_id>/bilder/", desk_views.item_photos, name="item_photos"),
    path("<int:item_id>/trekk-tilbake/", desk_views.item_withdraw_view, name="item_withdraw"),
    path("<int:item_id>/lan-ut-igjen/", desk_views.item_relist_view, name="item_relist"),
]
