from django.urls import path

from caseloads import views

app_name = "caseloads"
urlpatterns = [
    path("", views.board, name="board"),
    path("export.csv", views.board_csv, name="board_csv"),
    path("mine/", views.my_caseload, name="my_caseload"),
    path("workers/<int:pk>/", views.worker, name="worker"),
    path("workers/<int:pk>/visit-signoff/", views.sign_off_visits, name="sign_off_visits"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_allocation, name="request_allocation"),
    path("allocations/<int:pk>/", views.allocation, name="allocation"),
    path("allocations/<int:pk>/approve/", views.approve, name="approve"),
    path("allocations/<int:pk>/decline/", views.decline, name="decline"),
    path("allocations/<int:pk>/end/", views.end_allocation, name="end_allocation"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("audit/", views.audit_upload, name="audit"),
]
