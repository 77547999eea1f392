from django.urls import path

from home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("waiting/<slug:what>/", views.waiting_list, name="waiting"),
]
