"""The admin: policy rows are edited here; moderation records are read here, and changed
only through the pages (the services keep the rules). Codes are shown, but a submission's
snapshot is not: the admin is for the administrator, not for reading portfolios."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from moderation.models import (
    Allocation,
    Decision,
    ExternalSample,
    ModerationForm,
    ModerationPolicy,
    ModerationRecord,
    Panel,
    PanelDateChange,
    PanelMember,
    ProgressionAuthorisation,
    Submission,
)


@admin.register(ModerationPolicy)
class ModerationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "submission_days", "due_window_days", "progression_point"]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ["person"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows the workflows write: visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "held_on", "submissions_due_on", "closed_at"]
    list_filter = ["kind"]
    date_hierarchy = "held_on"
    inlines = [PanelMemberInline]


@admin.register(PanelDateChange)
class PanelDateChangeAdmin(admin.ModelAdmin):
    """Each move of a meeting (MOD-SUBMIT): kept as it was recorded."""

    list_display = ["panel", "held_on_before", "held_on_after", "changed_by", "changed_at"]
    list_select_related = ["panel", "changed_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["code", "panel", "submitted_at", "late", "fail_pathway", "pdf_status"]
    list_select_related = ["panel"]
    list_filter = ["late", "fail_pathway", "pdf_status"]
    search_fields = ["code"]
    exclude = ["snapshot_html", "snapshot"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["submission", "moderator", "automatic", "continued", "allocated_at"]
    list_select_related = ["submission", "moderator__person"]


@admin.register(ModerationForm)
class ModerationFormAdmin(ReadOnlyAdmin):
    list_display = ["allocation", "concerns", "completed_at"]
    list_select_related = ["allocation__submission", "allocation__moderator__person"]

    def has_delete_permission(self, request, obj=None):
        # MOD-FORM: a completed form is part of the NQSW's portfolio and the panel's record.
        if obj is not None and obj.is_complete:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "version", "verdict", "outcome", "signed_off_at"]
    list_select_related = ["submission"]
    list_filter = ["verdict", "outcome"]


@admin.register(ModerationRecord)
class ModerationRecordAdmin(ReadOnlyAdmin):
    list_display = ["submission", "decision", "status", "rendered_at"]
    list_select_related = ["submission__panel", "decision__submission__panel"]


@admin.register(ProgressionAuthorisation)
class ProgressionAuthorisationAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "progression_point", "effective_from", "withdrawn_at", "status"]
    list_select_related = ["enrolment__person", "enrolment__cohort"]


@admin.register(ExternalSample)
class ExternalSampleAdmin(ReadOnlyAdmin):
    list_display = ["title", "created_at", "status"]
