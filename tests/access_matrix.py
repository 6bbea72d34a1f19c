"""The one URL × role walker of the access matrix (SECURITY.md item 6; issue 8).

Every URL pattern of the URLconf, admin included, belongs to exactly one matrix table:

    namespace        table
    ""/indicators    appraisal/tests/test_access.py
    scoring          scoring/tests/test_access.py
    tracelog         tracelog/tests/test_access.py
    results          rewards/tests/test_results_access.py
    admin            tests/test_access_matrix.py

Each table lists (url name, url with objects of *another* department, roles that get 200,
roles that are redirected); ``walk`` requests each URL as every role and reports every cell that
differs: anonymous is sent to the login page, a role not allowed gets 403/404/405, an allowed
role gets 200 with ``Cache-Control: no-store``. The office of a second organisation ("office_b")
may open pages of its own organisation, but no page it opens may show anything of the first
organisation (the leak check below). ``names_of`` makes each table fail when a URL is added
without a row, and tests/test_access_matrix.py fails when a namespace has no table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anonymous", "staff", "head", "outsider", "assessor", "office", "office_b", "leader", "sysadmin", "secadmin",
         "auditor"]
EVERYONE = frozenset(ROLES) - {"anonymous"}
OWNERS = {"": "appraisal", "indicators": "appraisal", "scoring": "scoring", "tracelog": "tracelog",
          "results": "rewards", "periods": "periods", "admin": "tests"}


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    allowed: frozenset[str] = field(default_factory=frozenset)
    redirected: frozenset[str] = field(default_factory=frozenset)


def target(name: str, url: str, allowed=(), redirected=()) -> Target:
    return Target(name, url, frozenset(allowed), frozenset(redirected))


def all_patterns(resolver=None, namespace: str = ""):
    """(namespace, qualified url name, callback) of every URL pattern, nested namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from all_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or f"{namespace}:<unnamed>")
            yield namespace, name, entry.callback


def names_of(*namespaces: str) -> set[str]:
    return {name for namespace, name, _cb in all_patterns() if namespace in namespaces}


def callbacks_of(*namespaces: str) -> dict[str, object]:
    return {name: cb for namespace, name, cb in all_patterns() if namespace in namespaces}


def second_office():
    """The office account of a second organisation (created on demand)."""
    from appraisal.models import Role
    from appraisal.tests.factories import OrganisationFactory, role_user

    organisation = OrganisationFactory(code="ZZ9", name="邻县审计局")
    return role_user(Role.OFFICE, organisation, "office_b")


def designated_assessor(world):
    """A civil servant of the head's department whom the head designated to enter the department's
    assessed scores (考核主体的评分人). On the pages every civil servant opens it is expected like one;
    elsewhere a table row names "assessor" where it is allowed."""
    from appraisal.tests.factories import person_user
    from indicators.assessing import designate

    user = person_user(world.colleague, "assessor")
    designate(user=world.users["head"], department=world.department, person=world.colleague)
    return user


def matrix_users(world) -> dict:
    return {**world.users, "office_b": second_office(), "assessor": designated_assessor(world)}


def leak_markers(world) -> list[str]:
    """Names only the first organisation's pages would show."""
    return [world.organisation.name, world.department.name, world.other_department.name, world.staff.name,
            world.outsider.name, world.head.name]


def _admin_refusal(response) -> bool:
    """The admin refuses by redirecting to its login (which sends on to the product's login), or
    from its logout to its index (which does the same)."""
    location = response.get("Location", "")
    return "/login/" in location or location == "/admin/"


def walk(client, users: dict, targets: list[Target], *, markers: list[str], around=None) -> list[str]:
    """GET every target as every role; return the failures (an empty list is a pass)."""
    failures = []
    for item in targets:
        # pages every civil servant opens (staff and outsider alike) are open to the assessor too
        if {"staff", "outsider"} <= item.allowed and "assessor" not in item.redirected:
            item = Target(item.name, item.url, item.allowed | {"assessor"}, item.redirected)
        if {"staff", "outsider"} <= item.redirected:
            item = Target(item.name, item.url, item.allowed - {"assessor"}, item.redirected | {"assessor"})
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            if around is not None:
                with around():
                    response = client.get(item.url)
            else:
                response = client.get(item.url)
            status = response.status_code
            if role == "anonymous":
                ok = status == 302 and "/login/" in response.get("Location", "") \
                    or (item.name.startswith("admin:") and status in (302, 404))
            elif role in item.redirected:
                ok = status == 302
            elif role in item.allowed:
                ok = status == 200 and "no-store" in response.get("Cache-Control", "")
            elif role == "office_b" and "office" in item.allowed and status == 200:
                body = response.content.decode("utf-8", "replace") if "html" in response.get("Content-Type", "") else ""
                leaked = [m for m in markers if m in body]
                ok = not leaked
                if leaked:
                    failures.append(f"office_b GET {item.url} shows {leaked}")
                    continue
            else:
                ok = status in (403, 404, 405) or (status == 302 and role == "office_b" and "office" in item.redirected) \
                    or (item.name.startswith("admin:") and status == 302 and _admin_refusal(response))
            if not ok:
                failures.append(f"{role} GET {item.url} -> {status}")
    return failures
