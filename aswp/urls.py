from django.urls import path

from aswp import views

app_name = "aswp"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("places/", views.set_places, name="set_places"),
    path("supervisors/", views.name_supervisor, name="name_supervisor"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/apply/", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/statement/", views.statement, name="statement"),
    path("applications/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("applications/<int:pk>/start/", views.start_assessment, name="start_assessment"),
    path("applications/<int:pk>/steps/new/", views.record_step, name="record_step"),
    path("applications/<int:pk>/decision/", views.decide, name="decide"),
    path("role/", views.my_role, name="my_role"),
    path("peer-sessions/new/", views.peer_session_new, name="peer_session_new"),
]
