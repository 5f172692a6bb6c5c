"""One model row inserted on a hot path: Django's own INSERT, compiled once, bound on the server.

``Model.save()`` builds a model instance, compiles its INSERT and prepares every field's value
for every row, and Django's PostgreSQL cursors bind values on the client (psycopg quotes each one
into the SQL text in Python). For the webhook inbox, which must commit a row before it answers a
sender, those steps were a third of its own CPU per delivery (bench/webhooks.py). ``RowInsert``
asks Django's compiler for the statement once, with every concrete column and ``RETURNING`` the
primary key, and sends it through a psycopg cursor that binds the values on the server. It takes
the row as a mapping of column names (``attname``: ``duplicate_of_id``, not ``duplicate_of``) to
values; each given value is prepared by its field as ``save()`` prepares it, and each column not
given takes its field's default, prepared once per connection (a callable default, such as
``timezone.now``, is called for each row). So the SQL is never written by hand and follows the
model's migrations.

What ``save()`` does that this does not: the ``pre_save`` / ``post_save`` signals (the model
must have no receivers, which is checked on every call), a field's own ``pre_save`` (a model with
``auto_now`` or a field that changes its value on save is refused when the RowInsert is made),
and expressions as values (refused). Errors are Django's (``IntegrityError``, ...), raised as
``save()`` raises them.

Django's health check (``CONN_HEALTH_CHECKS``, on in production) costs a kept connection one
extra round trip before each request's first query, which for the inbox is a third again of its
database work. RowInsert checks after instead: when the request's first statement on a kept
connection finds that connection dead (the database restarted, an idle timeout), outside any
transaction, it reconnects and sends the INSERT once more, which is what the health check would
have done first. A statement lost with its connection *after* the server committed it would be
sent twice; the inbox's unique dedupe key turns that second copy into a stored duplicate. Use
RowInsert only where a repeat is as harmless.

On a database other than PostgreSQL (the embedded SQLite of ``make run``) it is ``save()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from django.db import OperationalError, connections
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

_PER_ROW = object()  # a callable default: called and prepared for each row


class RowInsert:
    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        changed_on_save = [field.name for field in self.fields if not _plain_pre_save(field)]
        if changed_on_save:
            raise TypeError(
                f"{model.__name__}.{', '.join(changed_on_save)} change on save(); use save()."
            )
        self.columns = {field.attname: index for index, field in enumerate(self.fields)}
        # Columns whose default is a callable: called for each row that does not give them.
        self._per_row = [
            index
            for index, field in enumerate(self.fields)
            if field.has_default() and callable(field.default)
        ]
        self._sql: dict[str, str] = {}
        self._defaults: dict[str, list[Any]] = {}

    def insert(self, values: Mapping[str, Any], *, using: str = "default") -> int:
        """Insert one row of ``values`` (the other columns take their defaults); its pk."""
        unknown = values.keys() - self.columns.keys()
        if unknown:
            raise TypeError(f"{self.model.__name__} has no column {', '.join(sorted(unknown))}")
        if any(hasattr(value, "resolve_expression") for value in values.values()):
            raise TypeError("RowInsert takes values, not expressions; use save() for those.")
        if pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            raise TypeError(f"{self.model.__name__} has save signals; use save() for it.")
        connection = connections[using]
        if connection.vendor != "postgresql":
            # The fast path is psycopg's; elsewhere (`make run`'s SQLite) it is Django's own.
            row = self.model(**values)
            row.save(force_insert=True, using=using)
            return row.pk
        params = self._params(values, connection, using)
        sql = self._statement(using)
        unchecked = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
            and not connection.in_atomic_block
        )
        try:
            pk = self._send(connection, sql, params)
        except OperationalError:
            if not (
                unchecked and connection.connection is not None and connection.connection.broken
            ):
                raise
            connection.close()  # the kept connection had died: a new one, and the INSERT again
            pk = self._send(connection, sql, params)
        connection.health_check_done = True  # as after Django's check: none later this request
        return pk

    def _params(self, values: Mapping[str, Any], connection, using: str) -> list[Any]:
        params = list(self._prepared_defaults(connection, using))
        fields = self.fields
        for column, value in values.items():
            index = self.columns[column]
            params[index] = fields[index].get_db_prep_save(value, connection)
        for index in self._per_row:
            if params[index] is _PER_ROW:
                field = fields[index]
                params[index] = field.get_db_prep_save(field.get_default(), connection)
        return params

    def _prepared_defaults(self, connection, using: str) -> list[Any]:
        defaults = self._defaults.get(using)
        if defaults is None:
            defaults = [
                _PER_ROW
                if index in self._per_row
                else field.get_db_prep_save(field.get_default(), connection)
                for index, field in enumerate(self.fields)
            ]
            self._defaults[using] = defaults
        return defaults

    @staticmethod
    def _send(connection, sql: str, params: list):
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _statement(self, using: str) -> str:
        """The INSERT as Django's compiler writes it for one row of every column."""
        sql = self._sql.get(using)
        if sql is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [self.model()])
            compiler = query.get_compiler(using=using)
            compiler.returning_fields = [self.model._meta.pk]
            [(sql, _params)] = compiler.as_sql()
            self._sql[using] = sql
        return sql


def _plain_pre_save(field: Field) -> bool:
    """Whether ``save()`` stores the field's value as it is (what RowInsert does)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    # Django's date and time fields override pre_save only for auto_now(_add), refused above.
    return type(field).pre_save.__module__ == Field.pre_save.__module__
