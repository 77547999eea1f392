from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from learning.models import (
    LearningOpportunity,
    LearningTimeKind,
    MashDay,
    MashRota,
    MashSlotSetting,
    OpportunityPolicy,
    OpportunityRecord,
    ProtectedTimePolicy,
    StudyAllowance,
    StudyDayRequest,
    StudyEntitlement,
    Workshop,
    WorkshopTheme,
)


@admin.register(MashSlotSetting)
class MashSlotSettingAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "capacity_per_team"]


class MashDayInline(admin.TabularInline):
    model = MashDay
    extra = 0
    raw_id_fields = ["enrolment"]


@admin.register(MashRota)
class MashRotaAdmin(SimpleHistoryAdmin):
    list_display = ["practice_group", "starts_on", "weeks", "published_at", "published_by"]
    list_select_related = ["practice_group", "published_by"]
    raw_id_fields = ["created_by", "published_by"]
    inlines = [MashDayInline]


# --- The training pathway (TRAINING-MANDATORY). Concerns (CAPABILITY) are kept out of the
# admin on purpose: only the NQSW, their assessor, PM, GM and Professional Practice see them.
from learning.models import Attendance, CancellationPolicy, PathwayCourse  # noqa: E402


@admin.register(CancellationPolicy)
class CancellationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "flag_at"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["enrolment", "recorded_by"]


@admin.register(PathwayCourse)
class PathwayCourseAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "title", "kind", "cohort", "places"]
    list_select_related = ["cohort"]
    raw_id_fields = ["published_by"]
    inlines = [AttendanceInline]


# --- LEARNING-OPPS, STUDY-DAYS, WORKSHOPS, PROTECTED-TIME: policy data and records -------


@admin.register(LearningOpportunity)
class LearningOpportunityAdmin(SimpleHistoryAdmin):
    # An academy adds its own opportunities here (LEARNING-OPPS).
    list_display = ["name", "position", "from_mash_rota", "active"]
    list_editable = ["position", "active"]


@admin.register(OpportunityPolicy)
class OpportunityPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "offer_by_month"]


class ReadOnlyRecordAdmin(SimpleHistoryAdmin):
    """Records written by the services (offers, decisions) are read here, never changed:
    the admin does not bypass the rules (issue 15 item 5)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OpportunityRecord)
class OpportunityRecordAdmin(ReadOnlyRecordAdmin):
    list_display = ["enrolment", "opportunity", "offered_on", "done_on", "evidence"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "opportunity"]
    raw_id_fields = [
        "enrolment",
        "offered_by",
        "done_recorded_by",
        "allocation",
        "observation",
        "reflection_log",
    ]


@admin.register(StudyEntitlement)
class StudyEntitlementAdmin(SimpleHistoryAdmin):
    list_display = [
        "learner",
        "effective_from",
        "days",
        "days_per_module_week",
        "adds_university_weeks",
        "per_academic_year",
    ]


@admin.register(StudyDayRequest)
class StudyDayRequestAdmin(ReadOnlyRecordAdmin):
    list_display = ["enrolment", "first_day", "half_days", "status", "decided_by"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "decided_by"]
    raw_id_fields = ["enrolment", "requested_by", "decided_by"]


@admin.register(StudyAllowance)
class StudyAllowanceAdmin(SimpleHistoryAdmin):
    list_display = ["enrolment", "academic_year", "modules", "study_weeks"]
    raw_id_fields = ["enrolment", "recorded_by"]
    list_select_related = ["enrolment__person", "enrolment__cohort"]


@admin.register(WorkshopTheme)
class WorkshopThemeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    # The L&D officer's workshop dates for a cohort are set here (WORKSHOPS).
    list_display = ["theme", "cohort", "held_on", "place"]
    list_select_related = ["theme", "cohort"]


@admin.register(ProtectedTimePolicy)
class ProtectedTimePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "share_percent", "weekly_hours"]


@admin.register(LearningTimeKind)
class LearningTimeKindAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "default_hours"]
