"""SECURITY.md items 6–7 for the periods URLs (objections, the office's calendar and history): every
URL × every role, with an objection of another department's person, and the office of a second
organisation."""
import pytest
from django.urls import reverse

from appraisal.models import OfficeCalendarDay, PeriodKind, PeriodState
from periods.models import Objection
from tests.access_matrix import callbacks_of, leak_markers, matrix_users, target, walk

STAFFLIKE = {"staff", "head", "outsider"}


@pytest.fixture
def setting(world, year):
    period = year.periods.get(kind=PeriodKind.MONTH, number=3)
    period.state = PeriodState.PUBLICITY
    period.save(update_fields=["state"])
    # 钱科员 of 登记处 (the other department) objects: his own objection, nobody else's but the office's
    objection = Objection.objects.create(period=period, person=world.outsider, figure=Objection._meta.get_field(
        "figure").choices[0][0], reason="测评结果与实际不符", evidence_text="见附件说明")
    day = OfficeCalendarDay.objects.create(organisation=world.organisation, day="2031-01-02", is_workday=False)
    return {"period": period, "objection": objection, "day": day}


@pytest.mark.django_db
def test_every_periods_url_for_every_role(client, world, setting):
    objection = setting["objection"].pk
    table = [
        target("periods:objection_list", reverse("periods:objection_list"), STAFFLIKE | {"office"}),
        target("periods:objection_create", reverse("periods:objection_create", args=[setting["period"].pk]),
               STAFFLIKE),
        # another department's objection: only its author and the office
        target("periods:objection_detail", reverse("periods:objection_detail", args=[objection]),
               {"outsider", "office"}),
        target("periods:objection_evidence", reverse("periods:objection_evidence", args=[objection])),
        target("periods:calendar", reverse("periods:calendar"), {"office"}),
        target("periods:calendar_delete", reverse("periods:calendar_delete", args=[setting["day"].pk])),  # POST only
        target("periods:history", reverse("periods:history"), {"office"}),
    ]
    assert {t.name for t in table} == set(callbacks_of("periods")), "add the new periods URL to the table"
    failures = walk(client, matrix_users(world), table, markers=leak_markers(world))
    assert failures == [], "\n".join(failures)
