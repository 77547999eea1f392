from django.urls import path, register_converter

from moderation import views


class CodeConverter:
    """A portfolio code (MOD-ANON): the only way a moderator's URL names a portfolio."""

    regex = "[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CodeConverter, "code")

app_name = "moderation"
urlpatterns = [
    path("", views.panel_list, name="panel_list"),
    path("panels/new/", views.panel_new, name="panel_new"),
    path("panels/<int:pk>/", views.panel_detail, name="panel_detail"),
    path("panels/<int:pk>/edit/", views.panel_edit, name="panel_edit"),
    path("panels/<int:pk>/enter/", views.panel_enter, name="panel_enter"),
    path("panels/<int:pk>/allocate/", views.panel_allocate, name="panel_allocate"),
    path("panels/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("panels/<int:pk>/close/", views.panel_close, name="panel_close"),
    path("panels/<int:pk>/pdfs/", views.panel_pdfs, name="panel_pdfs"),
    path("reading/", views.reading_list, name="reading_list"),
    path("portfolios/<code:code>/", views.read, name="read"),
    path("portfolios/<code:code>/pdf/", views.submission_pdf, name="submission_pdf"),
    path("portfolios/<code:code>/form/", views.moderation_form, name="moderation_form"),
    path("portfolios/<code:code>/moderators/", views.moderators, name="moderators"),
    path("portfolios/<code:code>/late/", views.accept_late, name="accept_late"),
    path("portfolios/<code:code>/decision/", views.decision, name="decision"),
    path("portfolios/<code:code>/decision/sign-off/", views.sign_off, name="sign_off"),
    path("portfolios/<code:code>/progression/", views.progression, name="progression"),
    path("progression/<int:pk>/pdf/", views.progression_pdf, name="progression_pdf"),
    path("forms/<int:pk>/pdf/", views.record_pdf, name="record_pdf"),
    path("nqsw/<int:pk>/", views.enrolment_moderation, name="enrolment_moderation"),
    path("nqsw/<int:pk>/submit/<int:panel>/", views.submit, name="submit"),
    path("external/", views.external_list, name="external_list"),
    path("external/new/", views.external_new, name="external_new"),
    path("external/<int:pk>/", views.external_detail, name="external_detail"),
    path("external/<int:pk>/download/", views.external_download, name="external_download"),
]
