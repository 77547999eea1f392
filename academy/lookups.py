"""A lookup the visibility filters need that Django does not have."""

from django.db.models import Field, ForeignObject, Lookup


class InSubqueryArray(Lookup):
    """`field__in_array=<queryset of one column>`: the same rows as `__in`, written for
    PostgreSQL as `field = ANY(ARRAY(subquery))`.

    Inside an OR, an IN over a subquery is a filter PostgreSQL tests row by row, so an OR
    of `person = me`, `assessor = me` and `team IN (my teams)` scanned every enrolment of
    the academy for a PM's eight (issue 17). ARRAY(subquery) is read once, before the
    scan, and `= ANY` of it is an index condition: the OR becomes one BitmapOr of indexes.
    Other databases get the plain IN.
    """

    lookup_name = "in_array"

    def get_prep_lookup(self):
        # The queryset arrives as its Query, compiled as a subquery: its order is moot,
        # unless it is sliced (its first 26 by name are not any 26).
        query = self.rhs.clone()
        query.clear_ordering()
        return query

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


# On plain fields and on foreign keys (which look their lookups up on their own class).
Field.register_lookup(InSubqueryArray)
ForeignObject.register_lookup(InSubqueryArray)
