"""``pk__in=[…]`` with a number no integer column can hold (issue 15: a form posts 99999999999999999999
as an id) matches nothing instead of failing in the database driver (SQLite: OverflowError,
PostgreSQL: "bigint out of range"). Django already treats ``pk=<too big>`` so; this does the same
for ``in`` on every integer field (model choice fields, id lists read from a form). Registered in
``AppraisalConfig.ready``."""
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [value for value in self.rhs
                        if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
