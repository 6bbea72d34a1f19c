"""Trace logs in the admin: read-only for the office. Every change goes through the pages and
their services, which check periods and write the audit log."""
from django.contrib import admin

from appraisal import access
from appraisal.admin import ReadOnlyAdmin
from appraisal.admin_site import admin_site
from appraisal.models import Role

from .models import EntryReview, Evidence, TraceDeadlineSettings, TraceEntry


class ReadOnlyInline(admin.TabularInline):
    """Shown to the office with its entry, by role like the rest of the admin; never changed."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return access.actor_for(request.user).has(Role.OFFICE)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryReviewInline(ReadOnlyInline):
    model = EntryReview
    fields = ("created_at", "reviewer_name", "action", "text")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    # the file field itself is left out: evidence is downloaded through the access-checked view
    fields = ("original_name", "file_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields


class TraceEntryAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.OFFICE,)
    list_display = ("person", "department", "kind", "period_key", "status", "due_at", "filed_at")
    list_filter = ("kind", "status", "period_year", "period_month")
    search_fields = ("person__name", "person__staff_id", "content")
    list_select_related = ("person", "department")
    fields = ("organisation", "person", "department", "kind", "period_key", "period_year", "period_month", "status",
              "due_at", "filed_at", "submitted_at", "resubmissions", "content")
    inlines = [EntryReviewInline, EvidenceInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scopes = access.actor_for(request.user).role_organisations.get(Role.OFFICE, frozenset())
        return queryset if None in scopes else queryset.filter(organisation_id__in=scopes)


class TraceDeadlineSettingsAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.OFFICE,)
    list_display = ("organisation", "weekly_plan_weekday", "weekly_plan_time", "weekly_summary_weekday",
                    "weekly_summary_time", "monthly_plan_grace_days", "monthly_record_grace_days", "updated_at")


admin_site.register(TraceEntry, TraceEntryAdmin)
admin_site.register(TraceDeadlineSettings, TraceDeadlineSettingsAdmin)
