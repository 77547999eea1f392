from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cohorts.models import (
    Cohort,
    Enrolment,
    Extension,
    ExtensionPolicy,
    Programme,
    ProgrammePoint,
)


class ProgrammePointInline(admin.TabularInline):
    model = ProgrammePoint
    extra = 1


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    """Set up a programme (the 24-month ECDP beside the ASYE, issue 14): its length, review
    and moderation points; the frameworks link to it from their own admin page."""

    list_display = ["name", "length_months", "pcf_applies", "move_on_month"]
    inlines = [ProgrammePointInline]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "intake", "start_date"]
    list_filter = ["programme", "intake"]
    list_select_related = ["programme"]
    search_fields = ["name"]


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    fields = ["reason", "first_day", "last_day", "months", "approved_by", "approved_on", "notes"]
    readonly_fields = ["months"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "approved_by"]
    autocomplete_fields = ["approved_by"]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "programme", "practice_group", "asye_start", "status"]
    list_filter = ["kind", "programme", "status", "cohort", "practice_group__service"]
    search_fields = ["person__full_name", "person__staff_id", "assessor__full_name"]
    autocomplete_fields = ["person", "practice_group", "assessor"]
    # __str__ and the columns read the person, the group and the cohort: one query, not one a row.
    list_select_related = ["person", "practice_group", "cohort"]
    date_hierarchy = "asye_start"
    inlines = [ExtensionInline]

    def save_formset(self, request, form, formset, change):
        # Months are fixed by the policy in force when the extension is recorded (MONTH-2).
        for extension in formset.save(commit=False):
            extension.months = Extension.months_for(extension.first_day, extension.last_day)
            extension.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Extension)
class ExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["enrolment", "reason", "first_day", "last_day", "months", "approved_by"]
    list_filter = ["reason"]
    search_fields = ["enrolment__person__full_name", "enrolment__person__staff_id"]
    autocomplete_fields = ["enrolment", "approved_by"]
    readonly_fields = ["months"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "approved_by"]

    def save_model(self, request, obj, form, change):
        obj.months = Extension.months_for(obj.first_day, obj.last_day)
        super().save_model(request, obj, form, change)


@admin.register(ExtensionPolicy)
class ExtensionPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "minimum_absence_days", "rounding"]
