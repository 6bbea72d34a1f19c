"""The ballots in the admin: read-only, for the audit administrator alone, who may trace a ballot
(SECURITY.md item 12). Every reading is itself an audit event. Nobody writes ballots here: they
are cast through the ballot pages (scoring/ballots.py)."""
from appraisal import audit
from appraisal.admin import ReadOnlyAdmin
from appraisal.admin_site import admin_site
from appraisal.models import Role

from .models import PeerRating, SatisfactionEvaluation, SatisfactionRater, SatisfactionRating, WorkloadGrade


class BallotTraceAdmin(ReadOnlyAdmin):
    read_only_roles = (Role.AUDITOR,)
    list_per_page = 50

    def _trace(self, request, view: str, object_id=None) -> None:
        audit.record("ballot.trace", actor=request.user, object_type=self.model._meta.label,
                     object_repr=str(self.model._meta.verbose_name),
                     new={"view": view, "object_id": object_id, "query": request.GET.urlencode()})

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            self._trace(request, "list")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.has_view_permission(request):
            self._trace(request, "detail", object_id)
        return super().change_view(request, object_id, form_url, extra_context)


class PeerRatingAdmin(BallotTraceAdmin):
    list_display = ("period", "rater", "ratee", "grade", "updated_at")
    list_filter = ("period__assessment_year__organisation", "period__assessment_year__year", "period__number")
    search_fields = ("rater__name", "rater__staff_id", "ratee__name", "ratee__staff_id")
    list_select_related = ("period__assessment_year", "rater", "ratee")


class WorkloadGradeAdmin(BallotTraceAdmin):
    list_display = ("period", "person", "grade", "published", "set_by", "updated_at")
    list_filter = ("published", "period__assessment_year__year", "period__number")
    search_fields = ("person__name", "person__staff_id")
    list_select_related = ("period__assessment_year", "person", "set_by")


class SatisfactionEvaluationAdmin(BallotTraceAdmin):
    list_display = ("period", "opened_at", "closes_at", "closed")
    list_select_related = ("period__assessment_year",)


class SatisfactionRaterAdmin(BallotTraceAdmin):
    list_display = ("evaluation", "group", "label", "department", "expires_at", "submitted_at")
    list_filter = ("group",)
    search_fields = ("label",)
    exclude = ("token_hash",)  # a digest, but still nothing anyone needs to read
    list_select_related = ("evaluation__period__assessment_year", "department")


class SatisfactionRatingAdmin(BallotTraceAdmin):
    list_display = ("period", "group", "rater_label", "department", "grade")
    list_filter = ("group",)
    search_fields = ("rater_label", "department__name")
    list_select_related = ("period__assessment_year", "department")


admin_site.register(PeerRating, PeerRatingAdmin)
admin_site.register(WorkloadGrade, WorkloadGradeAdmin)
admin_site.register(SatisfactionEvaluation, SatisfactionEvaluationAdmin)
admin_site.register(SatisfactionRater, SatisfactionRaterAdmin)
admin_site.register(SatisfactionRating, SatisfactionRatingAdmin)
