from django.urls import path

from sharing import views

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
    path("sentral/<slug:slug>/", views.hub_staff, name="hub"),
    path("sentral/<slug:slug>/reservasjon/<int:reservation_id>/", views.hub_decide, name="decide"),
    path("<int:item_id>/", views.item_detail, name="detail"),
    path("<int:item_id>/reserver/", views.item_book, name="book"),
    path("<int:item_id>/venteliste/", views.waitlist_join_view, name="waitlist_join"),
]
