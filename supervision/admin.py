from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from supervision.models import (
    Attendance,
    CalendarFeed,
    ReminderLog,
    Session,
    SupervisionPolicy,
    SupportRecord,
)


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(SimpleHistoryAdmin):
    """Policy as data: add a row with a later effective date to change a value from then."""

    list_display = [
        "effective_from",
        "weekly_days",
        "weekly_weeks",
        "fortnightly_days",
        "three_weekly_days",
        "three_weekly_from_month",
        "second_year_from_month",
        "second_year_days",
        "due_soon_days",
        "cowork_joint_days",
    ]
    save_as = True


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["enrolment"]


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "start_time", "kind", "supervisor", "appreciative_inquiry"]
    # The date filter (past 7 days, this month, this year) rather than a date hierarchy: the
    # hierarchy's list of years reads every session's date (20 ms at 12,000; issue 17).
    list_filter = ["kind", "appreciative_inquiry", "held_on"]
    search_fields = [
        "supervisor__full_name",
        "attendances__enrolment__person__full_name",
        "attendances__enrolment__person__staff_id",
        "case_references",
    ]
    autocomplete_fields = ["supervisor", "recorded_by"]
    list_select_related = ["supervisor"]
    inlines = [AttendanceInline]


@admin.register(SupportRecord)
class SupportRecordAdmin(SimpleHistoryAdmin):
    list_display = ["enrolment", "from_date", "until", "recorded_by"]
    search_fields = ["enrolment__person__full_name", "enrolment__person__staff_id"]
    autocomplete_fields = ["enrolment", "recorded_by"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "recorded_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Administrators can see who has a feed and revoke one; tokens are never shown."""

    list_display = ["person", "created_at", "revoked_at"]
    fields = ["person", "created_at", "revoked_at"]
    readonly_fields = ["person", "created_at"]
    list_select_related = ["person"]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "kind", "recipient", "summary"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
