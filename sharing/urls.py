from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("mine/", views.my_loans, name="mine"),
    path("mine/<int:reservation_id>/avbestill/", views.loan_cancel, name="cancel"),
    path("utlan/", views.my_lending, name="lending"),
    path("utlan/<int:reservation_id>/", views.owner_decide, name="owner_decide"),
    path("sentral/<slug:slug>/", views.hub_staff, name="hub"),
    path("sentral/<slug:slug>/reservasjon/<int:reservation_id>/", views.hub_decide, name="decide"),
    path("<int:item_id>/", views.item_detail, name="detail"),
    path("<int:item_id>/reserver/", views.item_book, name="book"),
]
