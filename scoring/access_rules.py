"""Access rules that read scoring's own models: the 360° raters and the leadership appraisal.

Registered with the core's one rule table (appraisal.access.register_rules) when the app is ready,
so views and templates still ask ``access.can`` and the core imports nothing of scoring.
"""
from django.db.models import Q
from django.utils import timezone

from appraisal.access import ADMIN_ROLES, HEAD, RULES as CORE_RULES, STAFF, Actor, office_of
from appraisal.models import Period, Role


def _rates_satisfaction(actor: Actor, rater) -> bool:
    """An internal 360° rater reaches the own ballots only. The view-level question: is this
    account a rater of an evaluation that is still running?"""
    if actor.user_id is None or actor.has(*ADMIN_ROLES):
        return False
    if rater is None:
        from .models import SatisfactionRater

        return SatisfactionRater.objects.filter(user_id=actor.user_id, evaluation__closed=False).exists()
    return rater.user_id is not None and rater.user_id == actor.user_id


def _rates_leadership(actor: Actor, poll) -> bool:
    """The leadership poll (DOMAIN.md §7.4): the view-level question is whether a poll the account
    may rate in is running (its organisation's, for staff and 局领导; or one it was added to). Which
    objects it grades, and in which group, the service decides."""
    if actor.user_id is None or actor.has(*ADMIN_ROLES):
        return False
    from .models import LeadershipPoll

    running = LeadershipPoll.objects.filter(closed=False, closes_at__gt=timezone.now())
    if poll is not None:
        running = running.filter(pk=poll.pk)
    mine = Q(raters__user_id=actor.user_id)
    if actor.person_id is not None:
        mine |= Q(team__assessment_year__organisation_id=actor.organisation_id)
    return running.filter(mine).exists()


def _leadership_member(actor: Actor, team) -> bool:
    """A member of a leadership team (of ``team``, or of any year): writes the own 述职 report and
    reads the team's and the own results (结果反馈)."""
    if actor.person_id is None:
        return False
    from .models import LeadershipMember

    members = LeadershipMember.objects.filter(person_id=actor.person_id)
    return (members.filter(team=team) if team is not None else members).exists()


def _routine_on(actor: Actor) -> bool:
    """The account's organisation runs routine appraisal by quarters in some year (docs/routine.md)."""
    return actor.organisation_id is not None and Period.objects.filter(
        assessment_year__organisation_id=actor.organisation_id, kind="quarter").exists()


def _reads_summary(actor: Actor, summary) -> bool:
    """A quarterly summary: those who read the person, its peers and its superior (scoring.routine)."""
    if summary is None:
        return actor.has(STAFF, HEAD, Role.OFFICE, Role.LEADER) or actor.person_id is not None
    from .routine.selectors import summary_access

    return summary_access(actor, summary)["read"]


RULES = {
    "satisfaction.rate": _rates_satisfaction,
    # the leadership appraisal (scoring/leadership): raters, team members, the office
    "leadership.rate": _rates_leadership,
    "leadership.member": _leadership_member,
    "leadership.feedback": lambda a, o: office_of(a, getattr(o, "assessment_year", o)) or _leadership_member(a, o),
    # the scoring pages' entry: every participant, and a 局领导 without a role who rates in the 360°
    "scoring.enter": lambda a, o: (a.has(STAFF, HEAD, Role.OFFICE, Role.LEADER) or _rates_satisfaction(a, None)
                                   or _leadership_member(a, None) or _rates_leadership(a, None)),
    # routine appraisal by quarters (scoring/routine): civil servants file and evaluate; heads and 局领导
    # comment; talks and files follow the person's readers
    "routine.file": lambda a, o: a.has(STAFF) and _routine_on(a),
    "routine.review": lambda a, o: (a.has(HEAD, Role.LEADER) or (a.person_id is not None and not a.has(STAFF))) \
        and _routine_on(a),
    "routine.summary.read": _reads_summary,
    "routine.office": lambda a, o: office_of(a, o) and _routine_on(a),
    "routine.talks": lambda a, o: (a.has(STAFF, HEAD, Role.OFFICE, Role.LEADER) and _routine_on(a)) if o is None
    else CORE_RULES["person.read"](a, o.person),
}
