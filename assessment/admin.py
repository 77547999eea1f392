from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from academy import csvfiles
from academy.forms import add_errors
from assessment import frameworks, models
from assessment.forms import FrameworkImportForm


class FrameworkElementInline(admin.StackedInline):
    model = models.FrameworkElement
    extra = 0


@admin.register(models.Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "kind", "in_force_from", "in_force_until"]
    list_filter = ["kind", "code", "programmes"]
    filter_horizontal = ["programmes"]
    inlines = [FrameworkElementInline]
    change_list_template = "admin/assessment/framework/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="assessment_framework_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import a framework version from a file, all or nothing (issue 14)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FrameworkImportForm(request.POST or None, request.FILES or None)
        errors = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                imported = frameworks.import_framework(
                    text=csvfiles.decode(data["file"].read()),
                    file_name=data["file"].name,
                    name=data["name"],
                    version=data["version"],
                    in_force_from=data["in_force_from"],
                    code=data["code"],
                    kind=data["kind"],
                    source=data["source"],
                    replaces=data["replaces"],
                    programmes=data["programmes"],
                )
            except csvfiles.NotUTF8:
                form.add_error("file", "The file is not UTF-8 text; save it as UTF-8.")
            except csvfiles.CSVRejected as rejected:
                errors = rejected.errors
            except ValidationError as refused:
                add_errors(form, refused)
            else:
                self.message_user(request, str(imported))
                return redirect("admin:assessment_framework_change", imported.framework.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a framework",
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/assessment/framework/import.html", context)


@admin.register(models.FrameworkElement)
class FrameworkElementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    search_fields = ["title", "statement"]


@admin.register(models.EvidencePolicy)
class EvidencePolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "effective_from",
        "observations",
        "observations_by_assessor",
        "observations_by_others",
        "child_feedback",
        "professional_feedback",
        "written_work",
        "log_feedback_days",
    ]


class RecordAdmin(SimpleHistoryAdmin):
    """Portfolio records: changes normally go through the pages (and their services)."""

    search_fields = ["enrolment__person__full_name", "enrolment__person__staff_id"]
    autocomplete_fields = ["enrolment"]
    # Enrolment.__str__ reads the person and the cohort: joined, not one query a row.
    list_select_related = ["enrolment__person", "enrolment__cohort"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(models.DirectObservation)
class DirectObservationAdmin(RecordAdmin):
    list_display = ["enrolment", "observed_on", "observer", "case_reference"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "observer"]
    autocomplete_fields = ["enrolment", "observer"]
    filter_horizontal = ["elements"]


class AssessorFeedbackInline(admin.StackedInline):
    model = models.AssessorFeedback
    extra = 0
    autocomplete_fields = ["given_by"]


@admin.register(models.ReflectionLog)
class ReflectionLogAdmin(RecordAdmin):
    list_display = ["enrolment", "period", "title", "written_on"]
    list_filter = ["period"]
    filter_horizontal = ["elements"]
    inlines = [AssessorFeedbackInline]
    readonly_fields = [
        "recorded_by",
        "recorded_at",
        "version",
        "change_reason",
        "changed_after_feedback_at",
    ]

    def has_change_permission(self, request, obj=None):
        # LOGS: once answered, a log changes only as a new version with its reason, which
        # the NQSW's page records (the database refuses a silent change too).
        if obj is not None and obj.assessor_feedback.exists():
            return False
        return super().has_change_permission(request, obj)


@admin.register(models.PracticeFeedback)
class PracticeFeedbackAdmin(RecordAdmin):
    list_display = ["enrolment", "source", "given_by_role", "received_on"]
    list_filter = ["source"]
    filter_horizontal = ["elements"]


@admin.register(models.WrittenWork)
class WrittenWorkAdmin(RecordAdmin):
    list_display = ["enrolment", "kind", "title", "completed_on", "assessed_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["enrolment", "assessed_by"]
    filter_horizontal = ["elements"]


class SelfAssessmentRatingInline(admin.TabularInline):
    model = models.SelfAssessmentRating
    extra = 0


@admin.register(models.SelfAssessment)
class SelfAssessmentAdmin(RecordAdmin):
    list_display = ["enrolment", "stage", "framework", "completed_on"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "framework"]
    list_filter = ["stage"]
    inlines = [SelfAssessmentRatingInline]


@admin.register(models.DevelopmentPlan)
class DevelopmentPlanAdmin(RecordAdmin):
    list_display = ["enrolment", "period", "agreed_on"]
    list_filter = ["period"]


class SignedOffAdmin(RecordAdmin):
    """A signed-off version is never changed, here either (the database refuses it too)."""

    readonly_fields = ["recorded_by", "recorded_at", "version", "signed_off_by", "signed_off_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_signed_off:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # REVIEWS: the signed-off record is the evidence of the decision; it goes
        # only when its retention period ends, not by hand.
        if obj is not None and obj.is_signed_off:
            return False
        return super().has_delete_permission(request, obj)


class PlannedReviewInline(admin.TabularInline):
    """The planned dates of the programme's other points (issue 14: the ECDP's 12- and
    18-month reviews), frozen with their agreement once it is signed off."""

    model = models.PlannedReview
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not (obj is not None and obj.is_signed_off) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.is_signed_off) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_signed_off) and super().has_delete_permission(
            request, obj
        )


@admin.register(models.SupportAgreement)
class SupportAgreementAdmin(SignedOffAdmin):
    list_display = ["enrolment", "version", "agreed_on", "signed_off_at"]
    inlines = [PlannedReviewInline]


@admin.register(models.Review)
class ReviewAdmin(SignedOffAdmin):
    list_display = ["enrolment", "kind", "version", "held_on", "signed_off_at"]
    list_filter = ["kind"]
    filter_horizontal = ["elements"]


@admin.register(models.Recommendation)
class RecommendationAdmin(SignedOffAdmin):
    list_display = ["enrolment", "version", "outcome", "signed_off_at"]
    list_filter = ["outcome"]


@admin.register(models.PortfolioPdf)
class PortfolioPdfAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "status", "requested_at", "rendered_at", "content_hash"]
    list_select_related = ["enrolment__person", "enrolment__cohort"]
    list_filter = ["status"]
    readonly_fields = ["enrolment", "content_hash", "status", "file", "requested_at", "rendered_at"]
