from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from academy import invitations
from academy.forms import AdminSignInForm
from academy.models import Office, Person, PracticeGroup, Service
from academy.paging import CappedCountPaginator

# The admin's sign-in refuses over-long usernames too (academy/forms.py).
admin.site.login_form = AdminSignInForm

# Every admin list, ours and the installed apps' (users, sign-in attempts, tasks), shows 25
# rows a page, as the app's own lists do, and skips the second, unfiltered count: at national
# size a 100-row page and a count of every row were most of a list's time (issue 17); and
# counts no further than 10,000 rows (templates/admin/pagination.html says "more than").
admin.ModelAdmin.list_per_page = 25
admin.ModelAdmin.show_full_result_count = False
admin.ModelAdmin.paginator = CappedCountPaginator


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(PracticeGroup)
class PracticeGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "office", "service", "practice_manager", "group_manager"]
    list_filter = ["service", "office"]
    search_fields = ["name", "practice_manager__full_name", "group_manager__full_name"]
    autocomplete_fields = ["practice_manager", "group_manager"]
    list_select_related = ["office", "service", "practice_manager", "group_manager"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "staff_id", "role", "service", "email"]
    list_filter = ["role", "service"]
    search_fields = ["full_name", "staff_id", "email", "swe_registration"]
    autocomplete_fields = ["user", "practice_group"]
    list_select_related = ["service", "user"]
    actions = ["send_invitation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new person's first password comes through the invitation's one-time link.
            invitations.invite_on_commit([obj], base_url=invitations.site_url(request))
            self.message_user(
                request, f"{obj.full_name} is sent an invitation to set a password ({obj.email})."
            )

    @admin.action(description="Send a new invitation (set-password link)")
    def send_invitation(self, request, queryset):
        people = list(queryset.select_related("user"))
        sent = invitations.send_invitations(people, base_url=invitations.site_url(request))
        level = messages.SUCCESS if sent == len(people) else messages.WARNING
        self.message_user(
            request,
            f"{sent} of {len(people)} invitation{'s' if len(people) != 1 else ''} sent; "
            "earlier links stay valid until used or expired."
            if sent
            else "No invitation was sent (inactive login, no email address, or mail failed).",
            level,
        )
