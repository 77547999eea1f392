from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from caseloads import summaries
from caseloads.models import Allocation, CapRule, Case, RuleSetting, VisitSignOff


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    fields = ["worker", "role", "status", "start_date", "end_date"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "case_type", "children", "service"]
    list_filter = ["case_type", "service"]
    search_fields = ["reference"]
    inlines = [AllocationInline]

    def get_readonly_fields(self, request, obj=None):
        # CAP-COUNT: a case's children, type and service decide the caseloads of everyone
        # on it (past dates included, for ended allocations); once anyone is on it, the
        # caps were checked against these values, so they change only through a new case.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.allocations.exclude(status=Allocation.Status.DECLINED).exists():
            fields += ["case_type", "children", "service"]
        return fields


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ["case", "worker", "role", "status", "start_date", "end_date", "decided_by"]
    list_filter = ["status", "role", "case__case_type", "case__service", "start_date"]
    search_fields = ["case__reference", "worker__full_name", "worker__staff_id"]
    autocomplete_fields = ["case", "worker", "requested_by"]
    list_select_related = ["case", "worker", "decided_by"]
    # No date hierarchy: its list of years reads every allocation's date (issue 17); the
    # start date filter above narrows by date instead.
    # Decisions go through caseloads.services, which checks the caps under a lock and
    # records who decided; the admin shows them but does not take them.
    readonly_fields = [
        "status",
        "decided_by",
        "decided_at",
        "end_date",
        "ended_by",
        "end_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        # ALLOC-APPROVE: a decided allocation was checked against the caps with this case,
        # worker, role and dates; a change is an ending and a new request (the services).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Allocation.Status.REQUESTED:
            fields += ["case", "worker", "role", "start_date"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A waiting request's case, worker or dates may change here: the board's stored
        # rows of everyone on the old and the new case, the worker it left included.
        old_case, old_worker = form.initial.get("case"), form.initial.get("worker")
        for case_id in {obj.case_id, old_case} - {None}:
            summaries.refresh_case(case_id)
        if old_worker is not None:
            summaries.refresh_people([old_worker])

    def has_add_permission(self, request):
        # A request goes through caseloads.services (who may ask, the rules at request
        # time, the history), from the worker's or the case's page; not added here.
        return False

    def has_delete_permission(self, request, obj=None):
        # An ending is recorded, never deleted.
        return False


@admin.register(CapRule)
class CapRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "applies_to",
        "service",
        "month_from",
        "month_to",
        "minimum",
        "maximum",
        "unit",
        "rule_id",
        "effective_from",
    ]
    list_filter = ["applies_to", "service", "unit", "effective_from"]
    search_fields = ["rule_id", "source"]
    list_select_related = ["service"]
    # A change of cap is a new row with a later effective_from, so that earlier dates keep
    # the caps they had: edit a row and use "Save as new".
    save_as = True


@admin.register(RuleSetting)
class RuleSettingAdmin(SimpleHistoryAdmin):
    list_display = ["name", "value", "effective_from"]
    list_filter = ["name", "effective_from"]
    search_fields = ["name", "source"]
    save_as = True


@admin.register(VisitSignOff)
class VisitSignOffAdmin(SimpleHistoryAdmin):
    list_display = ["enrolment", "signed_by", "signed_on"]
    list_filter = ["signed_on"]
    search_fields = ["enrolment__person__full_name", "enrolment__person__staff_id"]
    autocomplete_fields = ["enrolment", "signed_by"]
    list_select_related = ["enrolment__person", "enrolment__cohort", "signed_by"]

    def has_add_permission(self, request):
        # VISIT-SIGNOFF: the worker's own PM records it, through the worker's caseload
        # page (caseloads.services); the admin would let anyone be named as signing.
        return False

    def has_change_permission(self, request, obj=None):
        # VISIT-SIGNOFF: a dated decision by a PM, kept as it was made.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
