from django.urls import path

from assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.portfolio_list, name="portfolio_list"),
    path("<int:pk>/", views.portfolio, name="portfolio"),
    path("<int:pk>/pdf/", views.portfolio_pdf, name="portfolio_pdf"),
    path("<int:pk>/pdf/download/", views.portfolio_pdf_download, name="portfolio_pdf_download"),
    path("<int:pk>/observations/new/", views.observation_new, name="observation_new"),
    path(
        "<int:pk>/observations/<int:record>/edit/",
        views.observation_edit,
        name="observation_edit",
    ),
    path(
        "<int:pk>/observations/<int:record>/reflection/",
        views.observation_reflection,
        name="observation_reflection",
    ),
    path("<int:pk>/logs/new/", views.log_new, name="log_new"),
    path("<int:pk>/logs/<int:record>/edit/", views.log_edit, name="log_edit"),
    path("<int:pk>/logs/<int:record>/feedback/", views.log_feedback, name="log_feedback"),
    path("<int:pk>/feedback/<slug:source>/new/", views.feedback_new, name="feedback_new"),
    path("<int:pk>/feedback/<int:record>/edit/", views.feedback_edit, name="feedback_edit"),
    path("<int:pk>/written-work/new/", views.written_work_new, name="written_work_new"),
    path(
        "<int:pk>/written-work/<int:record>/edit/",
        views.written_work_edit,
        name="written_work_edit",
    ),
    path(
        "<int:pk>/written-work/<int:record>/assess/",
        views.written_work_assess,
        name="written_work_assess",
    ),
    path(
        "<int:pk>/evidence/<slug:kind>/<int:record>/",
        views.map_evidence,
        name="map_evidence",
    ),
    path(
        "<int:pk>/self-assessments/<slug:stage>/",
        views.self_assessment,
        name="self_assessment",
    ),
    path("<int:pk>/plans/<slug:period>/", views.development_plan, name="development_plan"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/reviews/<slug:kind>/", views.review, name="review"),
    path("<int:pk>/recommendation/", views.recommendation, name="recommendation"),
]
