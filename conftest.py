"""Shared fixtures: a small organisation with one account per role."""
from dataclasses import dataclass

import pytest

from appraisal import services
from appraisal.models import Department, Organisation, Person, Position, Role
from appraisal.tests.factories import DepartmentFactory, OrganisationFactory, PersonFactory, person_user, role_user


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English (LocaleMiddleware) leaves English active in the thread: put the default back, so
    that a later test does not depend on which test ran before it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    organisation: Organisation
    department: Department
    other_department: Department
    head: Person
    staff: Person
    colleague: Person
    outsider: Person
    leader_person: Person
    users: dict


@pytest.fixture
def world(db) -> World:
    organisation = OrganisationFactory(code="T1", name="测试局")
    department = DepartmentFactory(organisation=organisation, code="D01", name="办公室", group="综合")
    other = DepartmentFactory(organisation=organisation, code="D02", name="登记处", group="业务")
    head = PersonFactory(department=department, staff_id="1001", name="李处长", position=Position.HEAD)
    staff = PersonFactory(department=department, staff_id="1002", name="王科员")
    colleague = PersonFactory(department=department, staff_id="1003", name="赵科员")
    outsider = PersonFactory(department=other, staff_id="2001", name="钱科员")
    leader_person = PersonFactory(department=None, organisation=organisation, staff_id="L01", name="陈局长",
                                  position=Position.LEADER)
    department.head = head
    department.save(update_fields=["head"])
    users = {
        "staff": person_user(staff, "staff"),
        "head": person_user(head, "head"),
        "outsider": person_user(outsider, "outsider"),
        "office": role_user(Role.OFFICE, organisation, "office"),
        "leader": role_user(Role.LEADER, organisation, "leader"),
        "sysadmin": role_user(Role.SYSADMIN, None, "sysadmin"),
        "secadmin": role_user(Role.SECADMIN, None, "secadmin"),
        "auditor": role_user(Role.AUDITOR, None, "auditor"),
    }
    person_user(leader_person, "leader-person")
    return World(organisation, department, other, head, staff, colleague, outsider, leader_person, users)


@pytest.fixture
def year(world):
    return services.year_open(user=world.users["office"], organisation=world.organisation, year=2025)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the audit table refuses TRUNCATE (migration 0006); Django's test flush between
    transactional tests truncates every table, so the test database alone switches that one
    trigger off. appraisal/tests/test_audit.py switches it back on inside a test to prove it works."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE appraisal_auditevent DISABLE TRIGGER appraisal_auditevent_no_truncate")


@pytest.fixture
def beat_schedules(db):
    """The periodic tasks the migrations register, as migrated. A transactional test that ran
    earlier in the same test process (any order under pytest-xdist) flushes every table, the rows of
    data migrations too; this applies the schedule migrations' RunPython steps again, in graph order."""
    import inspect
    import sys

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython
    from django_celery_beat.models import PeriodicTask

    if PeriodicTask.objects.exists():
        return
    loader = MigrationLoader(None, ignore_no_migrations=True)
    seen = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            migration = loader.graph.nodes[key]
            if "django_celery_beat" not in inspect.getsource(sys.modules[migration.__module__]):
                continue
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)
