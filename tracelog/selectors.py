"""Reads of trace logs. Lists come with their relations in a constant number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from appraisal import access
from appraisal.models import Department, Organisation, Period, PeriodKind, PeriodState, Person, Position

from . import deadlines
from .models import EntryReview, Evidence, Notification, TraceDeadlineSettings, TraceEntry


# ---------------------------------------------------------------- settings and period locks

def deadline_settings(organisation: Organisation) -> TraceDeadlineSettings:
    """The organisation's settings, or unsaved defaults when the office never changed them."""
    found = TraceDeadlineSettings.objects.filter(organisation=organisation).first()
    return found or TraceDeadlineSettings(organisation=organisation)


def deadline_rules(organisation_id: int) -> deadlines.DeadlineRules:
    found = TraceDeadlineSettings.objects.filter(organisation_id=organisation_id).first()
    return found.rules if found else deadlines.DEFAULT_RULES


def month_is_locked(organisation_id: int, year: int, month: int) -> bool:
    """Whether the month's period (appraisal.models.Period, kind month) is locked."""
    return Period.objects.filter(assessment_year__organisation_id=organisation_id, assessment_year__year=year,
                                 kind=PeriodKind.MONTH, number=month, state=PeriodState.LOCKED).exists()


def locked_months(organisation_id: int) -> set[tuple[int, int]]:
    return set(Period.objects.filter(assessment_year__organisation_id=organisation_id, kind=PeriodKind.MONTH,
                                     state=PeriodState.LOCKED).values_list("assessment_year__year", "number"))


# ---------------------------------------------------------------- people

def filers(organisation: Organisation, departments: list[Department] | None = None) -> QuerySet[Person]:
    """Who owes trace logs: active people of a department (局领导 file none)."""
    queryset = (Person.objects.filter(organisation=organisation, is_active=True, department__isnull=False)
                .exclude(position=Position.LEADER).select_related("department", "user"))
    if departments is not None:
        queryset = queryset.filter(department__in=departments)
    return queryset.order_by("department__sort_order", "department__code", "staff_id")


def indicator_choices(person: Person, year: int) -> list[tuple[str, str]]:
    """The indicators of the person's own table (一人一表) in the assessment year: (code, name)."""
    from indicators.models import ResponsibilityWeight

    rows = (ResponsibilityWeight.objects
            .filter(person=person, indicator__assessment_year__organisation_id=person.organisation_id,
                    indicator__assessment_year__year=year)
            .order_by("indicator__category", "indicator__sort_order", "indicator__code")
            .values_list("indicator__code", "indicator__name"))
    return list(rows)


# ---------------------------------------------------------------- entries

def visible_entries(user, organisation: Organisation) -> QuerySet[TraceEntry]:
    """Entries this user may read (the rule tracelog.entry.read as a query): the office and
    leaders all of the organisation; others their own and their departments' filed entries."""
    actor = access.actor_for(user)
    queryset = TraceEntry.objects.filter(organisation=organisation)
    if access.can(user, "office.or_leader", organisation):
        return queryset.filter(Q(filed_at__isnull=False) | Q(person_id=actor.person_id))
    departments = set(actor.headed_department_ids)
    if actor.department_id:
        departments.add(actor.department_id)
    return queryset.filter(Q(person_id=actor.person_id)
                           | Q(department_id__in=departments, filed_at__isnull=False))


@dataclass(frozen=True)
class EntryFilters:
    department_id: int | None = None
    person_id: int | None = None
    year: int | None = None
    month: int | None = None
    kind: str = ""
    status: str = ""
    late_only: bool = False
    text: str = ""


def entry_list(user, organisation: Organisation, filters: EntryFilters) -> QuerySet[TraceEntry]:
    # Lists show an excerpt: the first characters come from the database, not whole texts.
    queryset = (visible_entries(user, organisation)
                .select_related("person", "department").defer("content").annotate(**_list_columns()))
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.person_id:
        queryset = queryset.filter(person_id=filters.person_id)
    if filters.year:
        queryset = queryset.filter(period_year=filters.year)
    if filters.month:
        queryset = queryset.filter(period_month=filters.month)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.late_only:
        queryset = queryset.filter(filed_at__gt=F("due_at"))
    if filters.text:
        queryset = queryset.filter(Q(content__icontains=filters.text) | Q(person__name__contains=filters.text))
    # the latest submissions first: what a head has to read next is at the top
    return queryset.order_by(F("submitted_at").desc(nulls_last=True), "-id")


def entry_detail(pk: int) -> TraceEntry:
    """One entry with everything its page shows, in a fixed number of queries."""
    return (TraceEntry.objects.select_related("person", "department", "organisation")
            .prefetch_related(Prefetch("reviews", queryset=EntryReview.objects.order_by("created_at", "id")),
                              Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "id")),
                              "indicator_links")
            .get(pk=pk))


def own_entries(person_id: int) -> QuerySet[TraceEntry]:
    return (TraceEntry.objects.filter(person_id=person_id).defer("content").annotate(**_list_columns())
            .order_by("-due_at", "-id"))


def _list_columns() -> dict:
    """What a list shows beyond the entry's own columns: the number of evidence files (a subquery
    per row shown, not a join grouped over every entry, so the paginator's count stays a plain
    COUNT of the entries) and the first characters of the content."""
    files = (Evidence.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
             .annotate(n=Count("pk")).values("n"))
    return {"evidence_count": Coalesce(Subquery(files), 0), "content_head": Substr("content", 1, 100)}


@dataclass
class SlotState:
    """A slot of a person's own trace log and where it stands at ``now``."""

    slot: deadlines.Slot
    entry: TraceEntry | None
    now: datetime

    @property
    def is_overdue(self) -> bool:
        return (self.entry is None or self.entry.filed_at is None) and self.slot.due_at < self.now

    @property
    def overdue_by(self):
        return self.now - self.slot.due_at if self.is_overdue else None


def own_dashboard(person: Person, now: datetime, rules: deadlines.DeadlineRules) -> dict:
    """This week's and this month's four filings, and what is missing from the last two months."""
    current = [deadlines.slot(kind, deadlines.current_key(kind, now), rules) for kind in deadlines.KINDS]
    today = now.astimezone(deadlines.SHANGHAI).date()
    months = [deadlines.previous_month(today.year, today.month), (today.year, today.month)]
    recent = [s for year, month in months for s in deadlines.slots_of_month(year, month, rules)]
    keys = {(s.kind, s.key) for s in current + recent}
    entries = {(e.kind, e.period_key): e for e in TraceEntry.objects.filter(
        person=person, period_key__in={key for _, key in keys})}
    filed = {(person.pk, kind, key) for (kind, key), e in entries.items() if e.filed_at is not None}
    missing = deadlines.missing_filings(person_ids=[person.pk], slots=recent, filed=filed, now=now)
    return {
        "current": [SlotState(s, entries.get((s.kind, s.key)), now) for s in current],
        "missing": [SlotState(m.slot, entries.get((m.slot.kind, m.slot.key)), now) for m in missing],
    }


# ---------------------------------------------------------------- missing filings and statistics

@dataclass
class MissingRow:
    person: Person
    slot: deadlines.Slot
    overdue_by: object
    draft: TraceEntry | None = None


def missing_for(organisation: Organisation, departments: list[Department], year: int, month: int,
                now: datetime) -> list[MissingRow]:
    """Filings of a month due by ``now`` that people of these departments have not filed."""
    rules = deadline_rules(organisation.pk)
    people = {p.pk: p for p in filers(organisation, departments)}
    slots = deadlines.slots_of_month(year, month, rules)
    entries = TraceEntry.objects.filter(person_id__in=people, period_year=year, period_month=month)
    filed, drafts = set(), {}
    for entry in entries:
        if entry.filed_at is not None:
            filed.add((entry.person_id, entry.kind, entry.period_key))
        else:
            drafts[(entry.person_id, entry.kind, entry.period_key)] = entry
    missing = deadlines.missing_filings(person_ids=people, slots=slots, filed=filed, now=now)
    rows = [MissingRow(people[m.person_id], m.slot, m.overdue_by, drafts.get((m.person_id, m.slot.kind, m.slot.key)))
            for m in missing]
    rows.sort(key=lambda r: (r.person.department.sort_order, r.person.department.code, r.person.staff_id,
                             r.slot.due_at))
    return rows


@dataclass
class StatisticsRow:
    label: str
    code: str
    department: Department | None
    months: dict[int, deadlines.FilingCount] = field(default_factory=dict)

    @property
    def total(self) -> deadlines.FilingCount:
        return sum(self.months.values(), deadlines.FilingCount())

    def cells(self, month_numbers):
        return [self.months.get(m, deadlines.FilingCount()) for m in month_numbers]


@dataclass
class Statistics:
    year: int
    month_numbers: list[int]
    departments: list[StatisticsRow]
    people: list[StatisticsRow]


def filing_statistics(organisation: Organisation, departments: list[Department], year: int,
                      now: datetime) -> Statistics:
    """Filing and on-time counts per person and department per month of a year, over the filings
    due by ``now``. Four queries whatever the number of people and entries."""
    rules = deadline_rules(organisation.pk)
    people = list(filers(organisation, departments))
    slots = [s for month in range(1, 13) for s in deadlines.slots_of_month(year, month, rules)]
    month_numbers = sorted({s.month for s in slots if s.due_at < now})
    filed = {(person_id, kind, key): filed_at <= due_at
             for person_id, kind, key, filed_at, due_at in TraceEntry.objects.filter(
                 person_id__in=[p.pk for p in people], period_year=year, filed_at__isnull=False)
             .values_list("person_id", "kind", "period_key", "filed_at", "due_at")}
    counts = deadlines.filing_counts(person_ids=[p.pk for p in people], slots=slots, filed=filed, now=now)
    person_rows = []
    department_rows: dict[int, StatisticsRow] = {}
    for person in people:
        row = StatisticsRow(person.name, person.staff_id, person.department,
                            {m: counts[(person.pk, year, m)] for m in month_numbers if (person.pk, year, m) in counts})
        person_rows.append(row)
        department = department_rows.setdefault(
            person.department_id, StatisticsRow(person.department.name, person.department.code, person.department))
        for month, count in row.months.items():
            department.months[month] = department.months.get(month, deadlines.FilingCount()) + count
    return Statistics(year, month_numbers, list(department_rows.values()), person_rows)


def rate(part: int, whole: int):
    """A percentage with one decimal, or None when nothing was due."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- notifications

def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def heads_of(organisation: Organisation) -> dict[int, Person]:
    """Department id -> its head (with account), for the departments that have one."""
    return {d.pk: d.head for d in Department.objects.filter(organisation=organisation, head__isnull=False)
            .select_related("head", "head__user")}
