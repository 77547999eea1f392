from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.overview_csv, name="overview_csv"),
    path("mine/", views.my_record, name="my_record"),
    path("enrolments/<int:pk>/", views.record, name="record"),
    path("enrolments/<int:pk>/sessions/new/", views.record_session, name="record_session"),
    path("enrolments/<int:pk>/support/new/", views.record_support, name="record_support"),
    path(
        "groups/<int:group_pk>/sessions/new/",
        views.record_group_session,
        name="record_group_session",
    ),
    path("assessor-sessions/new/", views.record_assessor_session, name="record_assessor_session"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
