"""Model instances from plain SQL rows, for the few statements on the lesson page that are written
out (ADR 0013): Django's compiling of a query cost more CPU there than the database spent on it.

`columns()` writes the select list for some fields of a model under a table alias, and `load()`
turns the matching slice of a row into an instance, with the same conversions the ORM applies
(JSON, UUIDs and dates on SQLite, ...). Fields not selected are deferred, as with `.only()`.
Only names from the models' metadata are formatted into SQL; values are always parameters.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import DEFERRED

M = TypeVar("M", bound=Model)


def _parent_link(field) -> bool:
    return bool(field.remote_field and getattr(field.remote_field, "parent_link", False))


def _fields(model: type[Model], names: Sequence[str] | None) -> list:
    """The selected fields. A child page's link to its parent row is not selected: it holds the
    parent's primary key, which is (a page's columns are selected from the parent table)."""
    fields = [f for f in model._meta.concrete_fields if not _parent_link(f)]
    if names is None:
        return fields
    wanted = set(names)
    return [f for f in fields if f.name in wanted or f.attname in wanted or f.primary_key]


def columns(
    alias: str | Mapping[type[Model], str],
    model: type[Model],
    names: Sequence[str] | None = None,
) -> str:
    """`alias.column, ...` for `names` (all concrete fields when None), in the model's order.
    For a child page, `alias` maps each model of the chain (Page, the page type) to its table's
    alias."""
    quote = connection.ops.quote_name

    def table(field) -> str:
        return alias if isinstance(alias, str) else alias[field.model]

    return ", ".join(f"{table(f)}.{quote(f.column)}" for f in _fields(model, names))


def _plan(model: type[Model], names: Sequence[str] | None) -> list:
    """Per concrete field of `model`, in order: how its value comes out of a row. Kept per
    connection, as the ORM's converters are bound to one."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the proxy
    plans = wrapper.__dict__.setdefault("_lms_sql_plans", {})
    key = (model, tuple(names) if names is not None else None)
    if key not in plans:
        wanted = {f.attname for f in _fields(model, names)}
        plan: list[tuple[int, str, list | None, Any]] = []
        for field in model._meta.concrete_fields:
            if _parent_link(field):
                plan.append((_PARENT, field.target_field.attname, None, None))
            elif field.attname not in wanted:
                plan.append((_DEFERRED, field.attname, None, None))
            else:
                column = field.get_col(field.model._meta.db_table)
                converters = [
                    *wrapper.ops.get_db_converters(column),
                    *field.get_db_converters(wrapper),
                ]
                plan.append((_VALUE, field.attname, converters, column))
        plans[key] = (plan, wrapper)
    return plans[key]


_VALUE, _PARENT, _DEFERRED = range(3)


def load(model: type[M], values: Iterator[Any], names: Sequence[str] | None = None) -> M:
    """An instance of `model` from the next values of `values`, as selected by `columns()`."""
    plan, wrapper = _plan(model, names)
    row = []
    loaded: dict[str, Any] = {}
    for kind, attname, converters, column in plan:
        if kind == _DEFERRED:
            row.append(DEFERRED)
            continue
        if kind == _PARENT:
            row.append(loaded[attname])
            continue
        value = next(values)
        if value is not None:
            for convert in converters:
                value = convert(value, column, wrapper)
        loaded[attname] = value
        row.append(value)
    return model.from_db(wrapper.alias, [attname for _kind, attname, *_rest in plan], row)
