"""P5's ORM arm: a recorded plan's rows written again one ``create()`` at a time, no engine."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_save

from accounts.models import User
from audit.models import AuditIdentity, AuditRecord
from audit.services import audit_record
from demo.stamping import GENERIC_REFERENCES, id_space
from workflows.models import StageChange

from .engine_writes import Model, Plan, Row, root_model


@dataclass(frozen=True)
class _Reference:
    """A column of a model that points at a row: a foreign key, or a generic id."""

    attname: str
    target: Model | None  # None: generic, the model is read from ``type_column``
    nullable: bool
    type_column: str = ""
    as_text: bool = False


@cache
def _shape(model: Model) -> tuple[tuple[str, ...], tuple[_Reference, ...]]:
    """Columns a copy leaves to the database (own keys), and references to move."""
    blank: list[str] = []
    references: list[_Reference] = []
    for f in model._meta.concrete_fields:
        parent_link = f.is_relation and f.remote_field.parent_link  # type: ignore[union-attr]
        if (f.primary_key and not f.is_relation) or parent_link:
            blank.append(f.attname)
        elif f.is_relation and f.target_field.primary_key:  # type: ignore[attr-defined]
            references.append(_Reference(f.attname, f.related_model, f.null))  # type: ignore[arg-type]
    for type_column, id_column in GENERIC_REFERENCES.get(model._meta.label, ()):
        id_field = model._meta.get_field(id_column)
        as_text = isinstance(id_field, models.CharField)
        nullable = bool(getattr(id_field, "null", False))
        references.append(_Reference(id_column, None, nullable, type_column, as_text))
    return tuple(blank), tuple(references)


class OrmReplay:
    """Writes a plan's rows one at a time with the ORM. A reference to a row written later
    (the engine set it after inserting) is written when that row exists, by an update."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.moved: dict[tuple[Model, Any], Any] = {}
        self.ahead = {(root_model(r.model), r.key) for s in plan.steps for r in s.rows}
        self.waiting: dict[tuple[Model, Any], list[tuple[Model, Any, _Reference]]] = {}
        self.users = dict(plan.users)
        self.audit_due = 0
        self.audit_written = 0
        # The stage history is written by receivers on a journey's or application's save:
        # the create() of the dossier writes its first row, as the engine's save did.
        self.stages_due = 0
        self.stages_written = 0

    def run(self) -> None:
        post_save.connect(self._audited, sender=AuditRecord, dispatch_uid="bench.p5")
        post_save.connect(self._staged, sender=StageChange, dispatch_uid="bench.p5.stages")
        try:
            for step in self.plan.steps:
                if step.savepoint:
                    with transaction.atomic():
                        self._write_all(step.rows)
                else:
                    self._write_all(step.rows)
        finally:
            post_save.disconnect(sender=AuditRecord, dispatch_uid="bench.p5")
            post_save.disconnect(sender=StageChange, dispatch_uid="bench.p5.stages")

    def _audited(self, sender: Any, created: bool, **kwargs: Any) -> None:
        self.audit_written += created

    def _staged(self, sender: Any, created: bool, **kwargs: Any) -> None:
        self.stages_written += created

    def _write_all(self, rows: list[Row]) -> None:
        for row in rows:
            if row.model is AuditRecord:
                self._audit(row.values)
            elif row.model is AuditIdentity:
                continue  # created by the appends themselves, as the engine's were
            elif row.model is StageChange:
                self.stages_due += 1
                if self.stages_written < self.stages_due:
                    self._write(row)
            else:
                self._write(row)

    def _write(self, row: Row) -> None:
        blank, references = _shape(row.model)
        values = dict(row.values)
        for name in blank:
            values[name] = None
        later = []
        for reference in references:
            target = self._target(reference, values)
            old = values[reference.attname]
            if target is None or old is None:
                continue
            if (root_model(target), _as_key(old)) in self.ahead:
                later.append((target, old, reference))
                # Not null: the old key stands in; foreign keys are checked at commit.
                values[reference.attname] = None if reference.nullable else old
            else:
                values[reference.attname] = self._moved(target, old, reference.as_text)
        created = row.model._default_manager.create(**values)
        self._done(row, created)
        for target, old, reference in later:
            key = (root_model(target), _as_key(old))
            self.waiting.setdefault(key, []).append((row.model, created.pk, reference))

    def _target(self, reference: _Reference, values: dict[str, Any]) -> Model | None:
        if reference.target is not None:
            return reference.target
        type_id = values[reference.type_column]
        return None if type_id is None else ContentType.objects.get_for_id(type_id).model_class()

    def _moved(self, target: Model, old: Any, as_text: bool = False) -> Any:
        new = self.moved.get((id_space(target), _as_key(old)))
        if new is None:
            return old  # a row the journey shares (staff, session, reference data)
        return str(new) if as_text else new

    def _done(self, row: Row, created: models.Model) -> None:
        """The row exists: later rows point at it, and so do the earlier ones waiting."""
        key = (root_model(row.model), row.key)
        self.moved[(id_space(row.model), row.key)] = created.pk
        self.ahead.discard(key)
        if isinstance(created, User):
            self.users[created.pk] = created
        for model, pk, reference in self.waiting.pop(key, []):
            value = str(created.pk) if reference.as_text else created.pk
            model._base_manager.filter(pk=pk).update(**{reference.attname: value})

    def _audit(self, values: dict[str, Any]) -> None:
        """The engine appended a record here; append one unless the receivers of the rows
        just written already did."""
        self.audit_due += 1
        if self.audit_written >= self.audit_due:
            return
        actor_id = values["actor_id"]
        actor = self.users.get(self._moved(User, actor_id)) if actor_id else None
        audit_record(
            action=values["action"],
            actor=actor,
            object_ref=self._ref(values["object_ref"]),
            dossier_ref=self._ref(values["dossier_ref"]),
            summary=values["summary"],
            before=values["before"],
            after=values["after"],
        )

    def _ref(self, ref: str) -> str:
        """``"app.model:pk"`` moved to the new row, as the receivers would have written it."""
        label, _, pk = ref.partition(":")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return ref
        return f"{label}:{self._moved(model, int(pk))}" if pk.isdigit() else ref


def _as_key(value: Any) -> Any:
    """Generic ids are stored as text; keys are integers."""
    return int(value) if isinstance(value, str) and value.isdigit() else value
