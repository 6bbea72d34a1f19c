"""Issue 14: the audit log in words — event and object types by name, values as before → after with
people named, a picker of event types; sealed ballots stay sealed; the page's queries do not grow."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from appraisal import audit, audit_display, audit_events
from appraisal.models import AuditEvent

@pytest.fixture(autouse=True)
def _language_back():
    """A request in English leaves English active in this thread: give later tests the default back."""
    yield
    translation.deactivate()


SOURCES = ["appraisal", "indicators", "tracelog", "scoring", "rewards", "periods"]
_CODE = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')


def _written_codes() -> set[str]:
    """Every literal event code next to an audit write (record, record_many, an ``action`` variable)."""
    codes = set()
    root = Path(settings.BASE_DIR)
    for app in SOURCES:
        for path in (root / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for index, line in enumerate(lines):
                if re.search(r"audit\.record(_many)?\(|\"action\":|\baction = |_apply_password\(", line):
                    for near in lines[index:index + 2]:
                        codes.update(c for c in _CODE.findall(near) if not c.startswith(("appraisal.", "scoring.",
                                                                                         "auth.User", "tracelog.T")))
    for kind in ("departments", "people"):  # roster.py writes f"{kind}.import" / f"{kind}.export"
        codes.update({f"{kind}.import", f"{kind}.export"})
    return codes


def _words(html: str) -> str:
    """The page's text without its markup (data is wrapped in translate="no" spans)."""
    return re.sub(r"<[^>]+>", "", html)


def test_every_event_code_written_has_a_label_in_words():
    codes = _written_codes()
    assert len(codes) > 80  # the scan finds the product's writes
    missing = sorted(c for c in codes if c not in audit_events.EVENT_TYPES)
    assert not missing, missing
    for code in audit_events.EVENT_TYPES:
        assert audit_events.label(code) != code
        assert audit_events.GROUPS[audit_events.group_of(code)][1], code


def test_labels_come_in_english_too():
    with translation.override("en"):
        assert audit_events.label("weights.set") == "Assign responsibility weights"
        assert audit_display.object_type_label("indicators.Indicator") == "Indicator"
    with translation.override("zh-hans"):
        assert audit_events.label("weights.set") == "分配责任比重"
        assert audit_display.object_type_label("scoring.PeerRating") == "民主测评"


@pytest.mark.django_db
def test_values_read_as_names_and_before_after(client, world):
    audit.record("weights.set", actor=world.users["head"], object_type="indicators.Indicator", object_repr="A0101 办文",
                 organisation_id=world.organisation.pk, old={"1002": "50.0000", "1003": "50.0000"},
                 new={"1002": "60.0000", "1001": "40"}, reason="分工调整")
    client.force_login(world.users["auditor"])
    html = client.get(reverse("audit_log")).content.decode()
    page = _words(html)
    assert "分配责任比重" in page and "指标" in page
    assert "王科员（1002）" in page and "50 → 60" in page
    assert "赵科员（1003）" in page and "已删除" in page
    assert "李处长（1001）" in page
    assert "{&#x27;1002&#x27;" not in html and "weights.set</td>" not in html and "50.0000" not in html
    assert "李处长（head）" in page  # the actor by name, with the account


@pytest.mark.django_db
def test_field_names_and_choices_read_in_words(world):
    audit.record("person.update", obj=world.staff, old={"position": "一般干部", "is_active": True},
                 new={"position": "部门负责人", "is_active": False})
    event = audit_display.present(AuditEvent.objects.filter(action="person.update"))[0]
    rows = {c.label: (c.old, c.new) for c in event.shown.changes}
    assert rows == {"职务类型": ("一般干部", "部门负责人"), "在职": ("是", "否")}
    assert event.shown.object_type == "人员" and event.shown.action == "修改人员"


@pytest.mark.django_db
def test_the_picker_filters_one_event_type_or_a_group(client, world):
    audit.record("weights.set", object_type="indicators.Indicator", new={"1002": "100"})
    audit.record("account.password_reset", object_type="auth.User", new={"reset": 1})
    audit.record("account.password_reset_request", object_type="auth.User", new={"reset": 1})
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert '<option value="weights.set">分配责任比重</option>' in page
    exact = client.get(reverse("audit_log"), {"action": "account.password_reset"}).context["events"]
    assert [e.action for e in exact] == ["account.password_reset"]  # no longer a prefix match
    group = dict(audit_events.choices()[1][1])  # 登录与账号: its first option is the whole group
    key = next(k for k in group if k.startswith("group:"))
    both = client.get(reverse("audit_log"), {"action": key}).context["events"]
    assert {e.action for e in both} >= {"account.password_reset", "account.password_reset_request"}
    assert "weights.set" not in {e.action for e in both}
    typed = client.get(reverse("audit_log"), {"object_type": "indicators.Indicator"}).context["events"]
    assert [e.action for e in typed] == ["weights.set"]
    assert client.get(reverse("audit_log"), {"action": "no.such"}).status_code == 200


@pytest.mark.django_db
def test_sealed_ballots_show_no_names_on_the_log_and_names_only_in_the_audited_trace(client, world):
    audit.record("peer_rating.submit", actor=world.users["staff"], object_type="scoring.PeerRating",
                 object_repr="2025年1月 民主测评", organisation_id=world.organisation.pk,
                 new={"1003 赵科员": "良好", "1001 李处长": "优秀"})
    audit.record("leadership.ballot", actor=world.users["staff"], object_type="scoring.LeadershipRater",
                 object_repr="2025年度班子民主测评 · 机关部门", organisation_id=world.organisation.pk,
                 new={"L01": {"group": "机关部门", "grade": "好", "comment": ""}})
    client.force_login(world.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "赵科员" not in page and "优秀" not in page and "陈局长" not in page
    assert page.count("测评内容已隐藏") == 2
    event = AuditEvent.objects.get(action="peer_rating.submit")
    trace = _words(client.post(reverse("audit_trace", args=[event.pk]), {"reason": "投诉核查"}).content.decode())
    assert "赵科员（1003）" in trace and "优秀" in trace and "提交民主测评" in trace
    assert AuditEvent.objects.filter(action="ballot.trace", new_value__event=event.pk).count() == 1


@pytest.mark.django_db
def test_the_log_page_queries_do_not_grow_with_its_rows(client, world):
    def page_queries():
        client.force_login(world.users["auditor"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit_log")).status_code == 200
        return len(queries)

    for index in range(3):
        audit.record("weights.set", actor=world.users["head"], object_type="indicators.Indicator",
                     organisation_id=world.organisation.pk, new={"1002": str(index), "1003": "1"})
    few = page_queries()
    for index in range(40):
        audit.record("person.update", actor=world.users["office"], obj=world.staff,
                     old={"name": f"甲{index}"}, new={"name": f"乙{index}"})
        audit.record("weights.set", actor=world.users["head"], object_type="indicators.Indicator",
                     organisation_id=world.organisation.pk, new={"1002": str(index), "2001": "1"})
    assert page_queries() == few


@pytest.mark.django_db
def test_the_log_page_reads_in_english(client, world):
    audit.record("weights.set", object_type="indicators.Indicator", organisation_id=world.organisation.pk,
                 old={"1002": "50"}, new={"1002": "60"})
    client.force_login(world.users["auditor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("audit_log")).content.decode()
    assert "Assign responsibility weights" in page and "Event type" in page
