"""Demo trace logs: the last few months of the demo organisation, as an office would see them in
late autumn: most filings on time, some late, a few missing, many reviewed, some returned for
rework, a few monthly records with a PDF. Bulk inserts only, so it stays fast."""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from appraisal.models import Organisation

from . import deadlines, labels, selectors
from .models import (
    EntryIndicatorLink, EntryReview, EntryStatus, Evidence, Notification, ReviewAction, TraceDeadlineSettings,
    TraceEntry, evidence_path, private_storage,
)

DEMO_MONTHS = 3  # the current month and the two before it

TASKS = [
    "审核企业设立、变更登记申请{n}件", "开展市场主体年报公示情况抽查{n}户", "处理消费者投诉举报{n}件",
    "走访辖区重点企业{n}家，了解经营情况", "整理归档本月业务案卷{n}卷", "配合开展食品安全专项整治行动",
    "参加业务知识培训{n}学时", "完成信息系统数据核对与纠错{n}条", "起草部门工作总结与下阶段安排",
    "办理政务服务窗口咨询{n}人次", "督办上级交办事项{n}项", "撰写专题调研报告一篇",
    "组织部门学习会，学习新修订的法规", "开展合同格式条款专项检查{n}份", "核查广告违法线索{n}条",
]
PROBLEMS = ["部分申请材料不齐，需一次性告知补正", "个别企业联系不上，已列入重点关注", "系统升级影响办理进度，已协调技术人员",
            "基层反映业务标准理解不一，建议统一口径"]
COMMENTS = ["已阅，工作安排具体，按计划推进。", "完成情况较好，注意及时归档佐证材料。", "同意。请加强与窗口的协调配合。",
            "内容翔实，继续保持。", "已阅。下周重点抓好年报抽查收尾。"]
RETURN_REASONS = ["工作完成情况写得过于笼统，请补充具体数量和成效。", "未附佐证材料，请补充后重新提交。",
                  "计划与部门本月重点任务不对应，请调整。"]


def _content(rng: random.Random, kind: str) -> str:
    picks = rng.sample(TASKS, k=rng.randint(3, 5))
    items = [task.format(n=rng.randint(3, 60)) for task in picks]
    if kind == deadlines.WEEKLY_PLAN:
        lines = ["本周重点工作："] + [f"{i}. {t}" for i, t in enumerate(items, 1)]
        lines += ["", "需协调事项：" + rng.choice(PROBLEMS) + "。"]
    elif kind == deadlines.WEEKLY_SUMMARY:
        lines = ["本周完成情况："] + [f"- {t}，已完成" for t in items]
        lines += ["", "存在问题：" + rng.choice(PROBLEMS) + "。"]
    elif kind == deadlines.MONTHLY_PLAN:
        lines = ["下月主要任务："] + [f"{i}. {t}" for i, t in enumerate(items, 1)]
        lines += ["", "保障措施：按周分解任务，每周五对照计划检查进度。"]
    else:
        lines = ["本月完成的主要工作："] + [f"- {t}" for t in items]
        lines += ["", "工作亮点：" + rng.choice(["群众满意度测评为满意", "提前完成月度目标", "办件零差错"]) + "。",
                  "", "存在问题及改进措施：" + rng.choice(PROBLEMS) + "。"]
    return "\n".join(lines)


def _demo_pdf(title: str) -> bytes:
    """A tiny, valid one-page PDF (ASCII text only, so no font embedding is needed)."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _filed_at(rng: random.Random, slot: deadlines.Slot, late: bool) -> datetime:
    if late:
        return slot.due_at + timedelta(minutes=rng.randint(30, 3 * 24 * 60))
    early = {deadlines.WEEKLY_PLAN: (20, 4 * 60), deadlines.WEEKLY_SUMMARY: (10, 5 * 60)}.get(
        slot.kind, (60, 3 * 24 * 60))
    return slot.due_at - timedelta(minutes=rng.randint(*early))


def load_demo_tracelog(organisation: Organisation, year: int, *, now: datetime | None = None) -> int:
    """Create the demo trace logs of one organisation-year; returns the number of entries."""
    now = now or timezone.now()
    today = now.astimezone(deadlines.SHANGHAI).date()
    if year > today.year:
        return 0
    last_month = today.month if year == today.year else 12
    months = range(max(1, last_month - DEMO_MONTHS + 1), last_month + 1)
    rng = random.Random(f"tracelog-{organisation.code}-{year}")
    # the organisation went live with trace logs at the start of the first demo month
    TraceDeadlineSettings.objects.update_or_create(organisation=organisation,
                                                   defaults={"tracking_start": date(year, months[0], 1)})
    people = list(selectors.filers(organisation))
    heads = selectors.heads_of(organisation)
    staff_user = get_user_model().objects.filter(username="staff").values_list("pk", flat=True).first()
    current_keys = {deadlines.current_key(kind, now) for kind in deadlines.KINDS}
    slots = [s for month in months for s in deadlines.slots_of_month(year, month) if s.due_at <= now]
    indicators = _indicators_by_person(organisation, year)

    entries: list[TraceEntry] = []
    plans: list[tuple[str, str | None]] = []  # per entry: review plan, and the reviewer's name
    for person in people:
        head = heads.get(person.department_id)
        for slot in slots:
            # The demo civil servant ("staff") leaves this week and this month to file in the demo.
            if person.user_id is not None and person.user_id == staff_user and slot.key in current_keys:
                continue
            roll = rng.random()
            if roll < 0.05:
                continue  # missing
            late = roll < 0.14
            filed_at = min(_filed_at(rng, slot, late), now - timedelta(minutes=5))
            review = "none"
            reviewer = head.name if head is not None and head.pk != person.pk else None
            if reviewer:
                chance = rng.random()
                review = "return" if chance < 0.04 else "revised" if chance < 0.07 else \
                    "comment" if chance < 0.7 else "none"
            status = {"none": EntryStatus.SUBMITTED, "comment": EntryStatus.REVIEWED,
                      "return": EntryStatus.RETURNED, "revised": EntryStatus.SUBMITTED}[review]
            entries.append(TraceEntry(
                organisation=organisation, person=person, department_id=person.department_id, kind=slot.kind,
                period_key=slot.key, period_year=slot.year, period_month=slot.month,
                content=_content(rng, slot.kind), status=status,
                due_at=slot.due_at, filed_at=filed_at,
                submitted_at=filed_at + timedelta(days=2) if review == "revised" else filed_at,
                resubmissions=1 if review == "revised" else 0))
            plans.append((review, reviewer))
    TraceEntry.objects.bulk_create(entries, batch_size=1000)

    reviews, links = [], []
    head_users = {h.name: h.user_id for h in heads.values()}
    for entry, (review, reviewer) in zip(entries, plans):
        if review == "comment":
            reviews.append(EntryReview(entry=entry, reviewer_id=head_users.get(reviewer), reviewer_name=reviewer,
                                       action=ReviewAction.COMMENT, text=rng.choice(COMMENTS)))
        elif review in ("return", "revised"):
            reviews.append(EntryReview(entry=entry, reviewer_id=head_users.get(reviewer), reviewer_name=reviewer,
                                       action=ReviewAction.RETURN, text=rng.choice(RETURN_REASONS)))
        if entry.kind == deadlines.MONTHLY_RECORD and indicators.get(entry.person_id):
            for code, name in indicators[entry.person_id][:2]:
                links.append(EntryIndicatorLink(entry=entry, indicator_code=code, indicator_name=name[:200]))
    EntryReview.objects.bulk_create(reviews, batch_size=1000)
    EntryIndicatorLink.objects.bulk_create(links, batch_size=1000)
    _attach_demo_evidence(entries, staff_user)
    _demo_notifications(entries, staff_user, heads)
    return len(entries)


def _indicators_by_person(organisation: Organisation, year: int) -> dict[int, list[tuple[str, str]]]:
    from indicators.models import ResponsibilityWeight

    found: dict[int, list[tuple[str, str]]] = {}
    for person_id, code, name in (ResponsibilityWeight.objects
                                  .filter(indicator__assessment_year__organisation=organisation,
                                          indicator__assessment_year__year=year)
                                  .order_by("person_id", "-weight", "indicator__code")
                                  .values_list("person_id", "indicator__code", "indicator__name")):
        found.setdefault(person_id, []).append((code, name))
    return found


def _attach_demo_evidence(entries: list[TraceEntry], staff_user: int | None) -> None:
    """A PDF for the monthly records of the demo civil servant and a few colleagues."""
    records = [e for e in entries if e.kind == deadlines.MONTHLY_RECORD]
    chosen = [e for e in records if e.person.user_id == staff_user and staff_user is not None]
    chosen += [e for e in records if e.person.department_id in {c.department_id for c in chosen}
               and e not in chosen][:4]
    evidence = []
    for entry in chosen:
        content = _demo_pdf(f"Monthly record {entry.period_key} - evidence")
        name = f"{entry.period_year}年{entry.period_month}月工作台账.pdf"
        stored = private_storage.save(evidence_path(None, name), ContentFile(content))
        evidence.append(Evidence(entry=entry, file=stored, original_name=name, file_type="pdf",
                                 content_type="application/pdf", size=len(content),
                                 sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=entry.person.user_id))
    Evidence.objects.bulk_create(evidence)


def _demo_notifications(entries: list[TraceEntry], staff_user: int | None, heads) -> None:
    from django.urls import reverse

    notifications = []
    if staff_user is not None:
        mine = [e for e in entries if e.person.user_id == staff_user]
        head = heads.get(mine[0].department_id) if mine else None
        for entry in [e for e in mine if e.status == EntryStatus.REVIEWED][-2:]:
            title = labels.slot_title(entry.kind, entry.period_key)
            notifications.append(Notification(recipient_id=staff_user, text=f"{head.name}批阅了您的{title}。",
                                              url=reverse("tracelog:entry_detail", args=[entry.pk])))
    for head in heads.values():
        if head.user_id is not None:
            notifications.append(Notification(recipient_id=head.user_id, text="本部门有纪实逾期未报，请督促补报。",
                                              url=reverse("tracelog:missing")))
    Notification.objects.bulk_create(notifications)


def demo_step_tracelog(*, organisation, assessment_year) -> None:
    load_demo_tracelog(organisation, assessment_year.year)
