from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from learning.models import MashDay, MashRota, MashSlotSetting


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
