from django.urls import path

from cohorts import views

app_name = "cohorts"
urlpatterns = [
    path("enrolments/", views.enrolment_list, name="enrolment_list"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path(
        "enrolments/<int:pk>/extensions/new/",
        views.record_extension,
        name="record_extension",
    ),
    path("people/import/", views.import_people, name="import_people"),
    path("people/import/<int:pk>/", views.import_status, name="import_status"),
    path("people/import/template.csv", views.import_template, name="import_template"),
]
