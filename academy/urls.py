from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from academy.forms import SignInForm
from academy.invitations import InvitationAwareResetForm

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
    # "Forgot your password?" and the invitation's set-password link (academy/invitations.py).
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=InvitationAwareResetForm,
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("cohorts.urls")),
    path("caseloads/", include("caseloads.urls")),
    path("supervision/", include("supervision.urls")),
    path("assessment/", include("assessment.urls")),
    path("moderation/", include("moderation.urls")),
    path("learning/", include("learning.urls")),
    path("aswp/", include("aswp.urls")),
    path("admin/", admin.site.urls),
]
