"""One model row inserted on a hot path: Django's own INSERT, compiled once, bound on the server.

``Model.save()`` compiles its INSERT for every row, and Django's PostgreSQL cursors bind values on
the client (psycopg quotes each one into the SQL text in Python). For the webhook inbox, which
must commit a row before it answers a sender, those two steps were a fifth of its CPU per
delivery (bench/webhooks.py). ``RowInsert`` asks Django's compiler for the statement once, with
every concrete column and ``RETURNING`` the primary key, and sends it through a psycopg cursor
that binds the values on the server. Each value is still prepared by its field, as ``save()``
prepares it, so the SQL is never written by hand and follows the model's migrations.

What ``save()`` does that this does not: the ``pre_save`` / ``post_save`` signals (the model
must have no receivers, which is checked on every call) and expressions as field values
(refused). Errors are Django's (``IntegrityError``, ...), raised as ``save()`` raises them.

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

import psycopg
from django.db import OperationalError, connections
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery


class RowInsert:
    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self._sql: dict[str, str] = {}

    def __call__(self, row: Model, *, using: str = "default") -> None:
        """Insert ``row`` (a new instance of the model) and set its primary key."""
        if pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            raise TypeError(f"{self.model.__name__} has save signals; use save() for it.")
        connection = connections[using]
        if connection.vendor != "postgresql":
            # The fast path is psycopg's; elsewhere (`make run`'s SQLite) it is Django's own.
            row.save(force_insert=True, using=using)
            return
        params = [
            field.get_db_prep_save(field.pre_save(row, True), connection) for field in self.fields
        ]
        if any(hasattr(value, "resolve_expression") for value in params):
            raise TypeError("RowInsert takes values, not expressions; use save() for those.")
        sql = self._statement(using)
        unchecked = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
            and not connection.in_atomic_block
        )
        try:
            row.pk = self._send(connection, sql, params)
        except OperationalError:
            if not (
                unchecked and connection.connection is not None and connection.connection.broken
            ):
                raise
            connection.close()  # the kept connection had died: a new one, and the INSERT again
            row.pk = self._send(connection, sql, params)
        connection.health_check_done = True  # as after Django's check: none later this request
        row._state.adding = False
        row._state.db = using

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
