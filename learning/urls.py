from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("mash/", views.mash_overview, name="mash_overview"),
    path("mash/mine/", views.my_mash, name="my_mash"),
    path("mash/groups/<int:group_pk>/", views.mash_plan, name="mash_plan"),
    path("mash/rotas/<int:pk>/", views.mash_rota, name="mash_rota"),
    path("mash/rotas/<int:pk>/days/<int:day_pk>/", views.mash_change_day, name="mash_change_day"),
    path("mash/rotas/<int:pk>/publish/", views.mash_publish, name="mash_publish"),
]
urlpatterns += [
    path("mine/", views.mine, name="mine"),
    path("enrolments/<int:pk>/", views.record, name="record"),
    path(
        "enrolments/<int:pk>/opportunities/<int:opportunity_pk>/offer/",
        views.offer_opportunity,
        name="offer_opportunity",
    ),
    path(
        "enrolments/<int:pk>/opportunities/<int:opportunity_pk>/done/",
        views.opportunity_done,
        name="opportunity_done",
    ),
]
urlpatterns += [
    path("enrolments/<int:pk>/study-days/", views.request_study_days, name="request_study_days"),
    path(
        "enrolments/<int:pk>/study-days/<int:request_pk>/decide/",
        views.decide_study_days,
        name="decide_study_days",
    ),
    path("enrolments/<int:pk>/study-days/figures/", views.study_allowance, name="study_allowance"),
]
urlpatterns += [
    path(
        "enrolments/<int:pk>/workshops/<int:workshop_pk>/",
        views.workshop_attendance,
        name="workshop_attendance",
    ),
    path("enrolments/<int:pk>/credits/", views.workshop_credits, name="workshop_credits"),
    path("workshops/", views.workshops_list, name="workshops"),
    path("workshops/new/", views.workshop_new, name="workshop_new"),
    path("workshops/<int:pk>/change/", views.workshop_change, name="workshop_change"),
]
urlpatterns += [
    path("enrolments/<int:pk>/time/", views.learning_time, name="learning_time"),
]

# The training pathway, concerns and the PiP, move-on (learning/pathway_views.py).
from learning import pathway_views  # noqa: E402

urlpatterns += [
    path("pathway/", pathway_views.pathway, name="pathway"),
    path("pathway/courses/<int:pk>/", pathway_views.course, name="course"),
    path("pathway/courses/<int:pk>/book/", pathway_views.course_book, name="course_book"),
    path(
        "pathway/places/<int:pk>/attendance/",
        pathway_views.attendance_record,
        name="attendance_record",
    ),
    path("pathway/places/<int:pk>/decide/", pathway_views.absence_decide, name="absence_decide"),
    path("pathway/decisions/<int:pk>/change/", pathway_views.absence_change, name="absence_change"),
    path("pathway/cancellations/", pathway_views.cancellations, name="cancellations"),
    path("concerns/", pathway_views.concerns, name="concerns"),
    path("concerns/new/", pathway_views.concern_new, name="concern_new"),
    path("concerns/<int:pk>/", pathway_views.concern, name="concern"),
    path("concerns/<int:pk>/<slug:step>/", pathway_views.concern_step, name="concern_step"),
    path("move-on/", pathway_views.move_on, name="move_on"),
    path("move-on/<int:pk>/", pathway_views.move_on_record, name="move_on_record"),
]
