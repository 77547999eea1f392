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
