from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aswp.models import (
    Application,
    AssessmentStep,
    AswpPolicy,
    Consultation,
    Decision,
    NamedSupervisor,
    PeerAttendance,
    PeerSession,
    Round,
)


@admin.register(AswpPolicy)
class AswpPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "places", "assessment_weeks", "min_colleague_interviews"]
    raw_id_fields = ["set_by"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows the workflows write: visible, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "opens_on", "closes_on", "interview_first"]
    raw_id_fields = ["created_by"]
    filter_horizontal = ["panel"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "round", "submitted_at", "assessment_starts_on"]
    list_select_related = ["applicant", "round"]


@admin.register(AssessmentStep)
class AssessmentStepAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "held_on"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """Signed decisions are never changed (the database refuses an UPDATE too)."""

    list_display = ["application", "outcome", "appointed_from", "decided_on", "signed_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NamedSupervisor)
class NamedSupervisorAdmin(SimpleHistoryAdmin):
    list_display = ["aswp", "supervisor", "from_date"]
    raw_id_fields = ["aswp", "supervisor"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["aswp", "held_on", "colleague", "case_reference"]


class PeerAttendanceInline(admin.TabularInline):
    model = PeerAttendance
    extra = 0
    raw_id_fields = ["aswp"]


@admin.register(PeerSession)
class PeerSessionAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "topic"]
    inlines = [PeerAttendanceInline]
