import factory
from django.contrib.auth import get_user_model

from appraisal.models import Department, DepartmentGroup, Organisation, Person, Position, Role, RoleAssignment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "Test@12345")
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"测试局{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}处")
    group = DepartmentGroup.BUSINESS


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    department = factory.SubFactory(DepartmentFactory)
    organisation = factory.SelfAttribute("department.organisation")
    staff_id = factory.Sequence(lambda n: f"{1000 + n}")
    name = factory.Sequence(lambda n: f"张{n}")
    position = Position.STAFF


def role_user(role: str, organisation: Organisation | None, username: str | None = None):
    user = UserFactory(username=username or f"{role}-{organisation.code if organisation else 'all'}")
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


def person_user(person: Person, username: str | None = None):
    user = UserFactory(username=username or f"p{person.staff_id}")
    person.user = user
    person.save(update_fields=["user"])
    return user


__all__ = ["UserFactory", "OrganisationFactory", "DepartmentFactory", "PersonFactory", "role_user",
           "person_user", "Role"]
