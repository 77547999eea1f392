from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from academy.forms import AdminSignInForm
from academy.models import Office, Person, PracticeGroup, Service

# The admin's sign-in refuses over-long usernames too (academy/forms.py).
admin.site.login_form = AdminSignInForm


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
    list_select_related = ["service"]
