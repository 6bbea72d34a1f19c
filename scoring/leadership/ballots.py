"""The leadership poll (DOMAIN.md §7.4): the office opens and closes it, adds 上级领导 accounts and
single-use links (群众 representatives, 上级领导); raters submit ballots (accounts and links).

Every service runs in one transaction and records its audit event in it. The audit log is the only
place a rater stands next to a grade (the audit administrator's, SECURITY.md item 12): pages show
aggregates and comments without raters.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import access, audit
from appraisal.errors import PermissionDeniedError, StateError, ValidationFailed
from appraisal.models import ADMIN_ROLES, Person, Position, RoleAssignment
from scoring import leadership_rules as lr
from scoring.ballots import LinkInvalid, token_digest

from .models import (
    COMMENT_MAX, LeadershipMember, LeadershipPoll, LeadershipRater, LeadershipRating, LeadershipTeam,
)
from .services import _org, _require

__all__ = ["LinkInvalid", "TEAM_KEY"]
TEAM_KEY = "team"  # the ballot's key for the team; a member's key is the member's id


# ---------------------------------------------------------------- the poll (office)

def _lock_poll(poll: LeadershipPoll) -> LeadershipPoll:
    return LeadershipPoll.objects.select_for_update().select_related("team__assessment_year").get(pk=poll.pk)


def poll_running(poll: LeadershipPoll, now: datetime | None = None) -> bool:
    return not poll.closed and poll.closes_at > (now or timezone.now())


def _running(poll: LeadershipPoll, now: datetime) -> None:
    if not poll_running(poll, now):
        raise StateError(_("本次班子民主测评已结束。"))


def poll_open(*, user, team: LeadershipTeam, closes_at: datetime) -> LeadershipPoll:
    _require(user, "office.manage", team.assessment_year)
    if closes_at <= timezone.now():
        raise ValidationFailed(_("截止时间须晚于当前时间。"))
    with transaction.atomic():
        team = LeadershipTeam.objects.select_for_update().select_related("assessment_year").get(pk=team.pk)
        if not team.members.exists():
            raise ValidationFailed(_("请先设置领导班子成员，再开启民主测评。"))
        if LeadershipPoll.objects.filter(team=team).exists():
            raise ValidationFailed(_("%(year)s年度班子民主测评已经开启。") % {"year": team.assessment_year.year})
        poll = LeadershipPoll.objects.create(team=team, closes_at=closes_at)
        audit.record("leadership.poll_open", actor=user, obj=poll, organisation_id=_org(team),
                     object_repr=_("%(year)s年度班子民主测评") % {"year": team.assessment_year.year},
                     new={"closes_at": closes_at})
    return poll


def poll_close(*, user, poll: LeadershipPoll, reason: str = "") -> LeadershipPoll:
    _require(user, "office.manage", poll.team.assessment_year)
    with transaction.atomic():
        poll = _lock_poll(poll)
        if poll.closed:
            raise StateError(_("本次班子民主测评已经结束。"))
        poll.closed = True
        poll.save(update_fields=["closed"])
        audit.record("leadership.poll_close", actor=user, obj=poll, organisation_id=_org(poll.team),
                     object_repr=_("%(year)s年度班子民主测评") % {"year": poll.team.assessment_year.year},
                     old={"closed": False}, new={"closed": True}, reason=reason)
    return poll


def superiors_add(*, user, poll: LeadershipPoll, accounts: Iterable) -> list[LeadershipRater]:
    """Add accounts as 上级领导 raters, all or none (administrators and existing raters refused)."""
    _require(user, "office.manage", poll.team.assessment_year)
    account_ids = [a.pk for a in accounts]
    if not account_ids:
        raise ValidationFailed(_("请选择评价人账号。"))
    with transaction.atomic():
        poll = _lock_poll(poll)
        _running(poll, timezone.now())
        admins = set(RoleAssignment.objects.filter(user_id__in=account_ids, role__in=ADMIN_ROLES)
                     .values_list("user_id", flat=True))
        already = set(poll.raters.filter(user_id__in=account_ids).values_list("user_id", flat=True))
        names = dict(Person.objects.filter(user_id__in=account_ids).values_list("user_id", "name"))
        problems, raters = [], []
        for account in get_user_model().objects.filter(pk__in=account_ids, is_active=True).order_by("username"):
            name = names.get(account.pk) or account.get_full_name() or account.username
            if account.pk in admins:
                problems.append((name, _("系统、安全、审计管理员不参加测评")))
            elif account.pk in already:
                problems.append((name, _("已是本次测评的评价人")))
            else:
                raters.append(LeadershipRater(poll=poll, group=lr.SUPERIORS, user=account, label=name[:100]))
        if len(raters) + len(problems) < len(set(account_ids)):
            problems.append(("", _("所选账号不存在或已停用")))
        if problems:
            raise ValidationFailed(_("评价人未添加，请修改后重试。"), details=problems)
        LeadershipRater.objects.bulk_create(raters)
        audit.record("leadership.rater_add", actor=user, obj=poll, organisation_id=_org(poll.team),
                     new={"group": lr.SUPERIORS, "raters": [r.label for r in raters]})
    return raters


@dataclass(frozen=True)
class CreatedLink:
    rater: LeadershipRater
    token: str  # shown to the office once; only its SHA-256 is stored


def link_create(*, user, poll: LeadershipPoll, group: str, label: str,
                expires_at: datetime | None = None) -> CreatedLink:
    """A single-use link for an invited 群众 representative or a 上级领导 without an account. It
    expires at ``expires_at`` (at the latest when the poll closes) and dies once submitted."""
    _require(user, "office.manage", poll.team.assessment_year)
    if group not in (lr.MASSES, lr.SUPERIORS):
        raise ValidationFailed(_("链接评价人只能加入“群众”或“上级领导”组。"))
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationFailed(_("请填写评价人名称（不超过 100 个字）。"))
    with transaction.atomic():
        poll = _lock_poll(poll)
        now = timezone.now()
        _running(poll, now)
        expires_at = expires_at or poll.closes_at
        if expires_at <= now:
            raise ValidationFailed(_("链接有效期须晚于当前时间。"))
        if expires_at > poll.closes_at:
            raise ValidationFailed(_("链接有效期不能晚于测评截止时间。"))
        token = secrets.token_urlsafe(32)
        rater = LeadershipRater.objects.create(poll=poll, group=group, label=label, token_hash=token_digest(token),
                                               expires_at=expires_at)
        audit.record("leadership.link_create", actor=user, obj=rater, object_repr=label,
                     organisation_id=_org(poll.team), new={"group": group, "label": label, "expires_at": expires_at})
    return CreatedLink(rater=rater, token=token)


# ---------------------------------------------------------------- ballots

@dataclass(frozen=True)
class BallotItem:
    key: str  # TEAM_KEY or str(member id)
    member: LeadershipMember | None  # None: the team
    group: str  # the group this rater's ballot of the object counts in
    scale: tuple[str, ...]


def account_rater(user, poll: LeadershipPoll, *, create: bool = False) -> LeadershipRater | None:
    """The rater an account is in a poll: a 上级领导 the office added, a team member (班子成员), or
    a staff member of the organisation (群众). Created on first use for members and staff."""
    rater = LeadershipRater.objects.filter(poll=poll, user_id=user.pk).first()
    if rater is not None:
        return rater
    actor = access.actor_for(user)
    if actor.person_id is None or actor.has(*ADMIN_ROLES):
        return None
    person = Person.objects.filter(pk=actor.person_id, is_active=True).first()
    if person is None or person.organisation_id != poll.team.assessment_year.organisation_id:
        return None
    if poll.team.members.filter(person=person).exists():
        group = lr.MEMBERS
    elif person.position != Position.LEADER:
        group = lr.MASSES
    else:
        return None  # a 局领导 outside the team rates only if the office adds them
    if not create:
        return LeadershipRater(poll=poll, group=group, user=user, label=person.name)
    try:
        with transaction.atomic():
            return LeadershipRater.objects.create(poll=poll, group=group, user=user, label=person.name[:100])
    except IntegrityError:  # a concurrent first submission created it
        return LeadershipRater.objects.get(poll=poll, user_id=user.pk)


def ballot_items(rater: LeadershipRater) -> list[BallotItem]:
    """What a rater grades, in which group and on which scale. A member grades the team (the
    principal as 自评), the other members as 班子成员, and the own self-assessment as 自评."""
    poll = rater.poll
    members = list(poll.team.members.select_related("person").prefetch_related("charges__department")
                   .order_by("-is_principal", "sort_order", "person__staff_id"))
    own = None
    if rater.group == lr.MEMBERS and rater.user_id is not None:
        own = next((m for m in members if m.person.user_id == rater.user_id), None)
    team_group = lr.SELF if own is not None and own.is_principal else rater.group
    items = [BallotItem(TEAM_KEY, None, team_group, lr.TEAM_GRADES)]
    for member in members:
        group = lr.SELF if own is not None and member.pk == own.pk else rater.group
        items.append(BallotItem(str(member.pk), member, group, lr.scale_of(False, group)))
    return items


def ballot_submit(*, entries: Mapping[str, tuple[str, str]], user=None, poll: LeadershipPoll | None = None,
                  token: str | None = None) -> LeadershipRater:
    """Submit grades (``entries``: item key → (grade, comment)). An account rater may come back for
    objects not yet graded; a grade once given stays (one ballot per rater and object, enforced by the
    database). A link rater submits once: the link dies with the submission."""
    if (poll is None) == (token is None):
        raise ValueError("pass exactly one of poll (with user) and token")
    entries = {k: (g, (c or "").strip()) for k, (g, c) in entries.items() if g}
    if not entries:
        raise ValidationFailed(_("请至少评定一个对象的等次。"))
    with transaction.atomic():
        now = timezone.now()
        if token is not None:
            rater = (LeadershipRater.objects.select_for_update().select_related("poll__team__assessment_year")
                     .filter(token_hash=token_digest(token), user__isnull=True).first())
            if rater is None or rater.submitted_at or (rater.expires_at and rater.expires_at <= now) \
                    or not poll_running(rater.poll, now):
                raise LinkInvalid(_("该评价链接无效、已使用或已过期。"))
            poll = rater.poll
        else:
            poll = _lock_poll(poll)
            _running(poll, now)
            rater = account_rater(user, poll, create=True)
            if rater is None:
                raise PermissionDeniedError(_("您不是本次班子民主测评的评价人。"))
            rater = LeadershipRater.objects.select_for_update().get(pk=rater.pk)
        items = {item.key: item for item in ballot_items(rater)}
        done = set(LeadershipRating.objects.filter(rater=rater).values_list("member_id", "group"))
        problems = []
        for key, (grade, comment) in entries.items():
            item = items.get(key)
            if item is None:
                problems.append(("", _("不在评价范围内的对象")))
                continue
            name = item.member.person.name if item.member else _("领导班子")
            if (item.member.pk if item.member else None, item.group) in done:
                problems.append((name, _("已评价，不能重复提交或修改")))
            if grade not in item.scale:
                problems.append((name, _("等次须为 %(scale)s") % {"scale": "、".join(item.scale)}))
            if len(comment) > COMMENT_MAX:
                problems.append((name, _("语言评价不能超过 %(max)d 字") % {"max": COMMENT_MAX}))
        if problems:
            raise ValidationFailed(_("测评未保存，请修改后重试。"), details=problems)
        ratings = [LeadershipRating(poll=poll, rater=rater, group=items[k].group, member=items[k].member,
                                    grade=grade, comment=comment) for k, (grade, comment) in entries.items()]
        try:
            with transaction.atomic():
                LeadershipRating.objects.bulk_create(ratings)
        except IntegrityError:
            raise ValidationFailed(_("已评价，不能重复提交或修改。")) from None
        rater.submitted_at = rater.submitted_at or now
        rater.save(update_fields=["submitted_at"])
        # The ballot next to its rater: the audit administrator's log only.
        audit.record("leadership.ballot", actor=user, obj=rater, organisation_id=_org(poll.team),
                     object_repr=_("%(year)s年度班子民主测评 · %(group)s") % {
                         "year": poll.team.assessment_year.year, "group": rater.group},
                     new={(items[k].member.person.staff_id if items[k].member else lr.TEAM): {
                         "group": items[k].group, "grade": g, "comment": c} for k, (g, c) in entries.items()})
    return rater
