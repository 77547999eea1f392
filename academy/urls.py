from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from academy.forms import SignInForm

urlpatterns = [
    path("", include("home.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cohorts.urls")),
    path("caseloads/", include("caseloads.urls")),
    path("supervision/", include("supervision.urls")),
    path("assessment/", include("assessment.urls")),
    path("moderation/", include("moderation.urls")),
    path("learning/", include("learning.urls")),
    path("admin/", admin.site.urls),
]
