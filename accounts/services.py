"""Writes of the accounts app: the audit trail."""

import datetime
import decimal

from django.db import models

from accounts.models import AuditEntry


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def model_snapshot(obj, fields=None) -> dict:
    """Field values of a model instance as plain JSON values (for old → new diffs)."""
    out = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        out[field.name] = _plain(getattr(obj, field.attname))
    return out


def diff(old: dict, new: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [old.get(k), new.get(k)] for k in new if old.get(k) != new.get(k)}


def _clean(value):
    """PostgreSQL text and jsonb cannot hold NUL; hostile input must still be recorded."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def audit_record(
    *,
    user,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    county=None,
    changes: dict | None = None,
    note: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if county is None:
            county = getattr(obj, "county", None)
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "系统",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=_clean(object_repr[:200]),
        county=county if county is None or isinstance(county, models.Model) else None,
        changes=_clean(changes or {}),
        note=_clean(note[:500]),
    )
