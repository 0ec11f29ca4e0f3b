"""Publish weaviate-sync change events from Python (Django or anything else).

The event contract is schema/change-event.schema.json at the top of the repository: one JSON object
per Kafka record, record key = the object id. This module builds such events, checks the fields the
worker would reject, and publishes them with an idempotent producer (acks=all), so per-id order holds
and retries do not duplicate.

    publisher = ChangePublisher("127.0.0.1:9092")
    publisher.publish(item_changed(item.id, version=item.version, properties={"title": item.title}))
    publisher.flush()

In a Django view, publish only once the database transaction has committed:

    with transaction.atomic():
        item.save()
        publish_on_commit(publisher, item_changed(item.id, version=item.version, properties=...))
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from confluent_kafka import Producer

DEFAULT_TOPICS = {"ItemChanged": "item-changed", "TaskChanged": "task-changed"}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class InvalidChange(ValueError):
    """The event breaks the contract; nothing was sent. ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Change:
    type: str
    op: str
    id: str
    value: bytes

    @property
    def key(self) -> bytes:
        return self.id.encode("utf-8")


def change(type: str, id: Any, op: str = "UPSERT", version: Optional[int] = None,
           properties: Optional[Mapping[str, Any]] = None, vector: Optional[Sequence[float]] = None,
           occurred_at: Optional[_dt.datetime] = None) -> Change:
    """Builds and checks one event of any configured type."""
    if not type:
        raise InvalidChange("type", "is missing")
    if op not in ("UPSERT", "DELETE"):
        raise InvalidChange("op", f"unknown op {op!r}; expected UPSERT or DELETE")
    if id is None:
        raise InvalidChange("id", "is missing")
    id = str(id)
    if not _UUID.match(id):
        raise InvalidChange("id", f"{id!r} is not a UUID")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 0):
        raise InvalidChange("version", f"must be an integer >= 0, not {version!r}")
    if op == "UPSERT" and properties is None:
        raise InvalidChange("properties", "required for UPSERT (the full state of the object)")
    at = occurred_at or _dt.datetime.now(_dt.timezone.utc)
    if at.tzinfo is None:
        raise InvalidChange("occurredAt", "needs a time zone")
    event: dict[str, Any] = {"type": type, "op": op, "id": str(uuid.UUID(id)),
                             "occurredAt": at.isoformat(timespec="microseconds")}
    if version is not None:
        event["version"] = version
    if properties is not None:
        event["properties"] = dict(properties)
    if vector is not None:
        if len(vector) == 0:
            raise InvalidChange("vector", "must be a non-empty array of numbers")
        event["vector"] = [float(x) for x in vector]
    return Change(type, op, event["id"], json.dumps(event, separators=(",", ":")).encode("utf-8"))


def item_changed(id: Any, **kwargs: Any) -> Change:
    return change("ItemChanged", id, **kwargs)


def task_changed(id: Any, **kwargs: Any) -> Change:
    return change("TaskChanged", id, **kwargs)


class ChangePublisher:
    """One idempotent Kafka producer per process; thread-safe, like confluent-kafka's Producer."""

    def __init__(self, bootstrap_servers: str, topics: Optional[Mapping[str, str]] = None, **kafka: Any):
        config = {"bootstrap.servers": bootstrap_servers, "enable.idempotence": True, "acks": "all",
                  "linger.ms": 5}
        config.update(kafka)
        self._producer = Producer(config)
        self._topics = dict(topics or DEFAULT_TOPICS)
        self.errors: list[str] = []

    def publish(self, change: Change) -> None:
        topic = self._topics.get(change.type)
        if topic is None:
            raise InvalidChange("type", f"unknown type {change.type!r}; configured: {sorted(self._topics)}")

        def delivered(err, msg):
            if err is not None:
                self.errors.append(f"{change.type} {change.id}: {err}")

        self._producer.produce(topic, key=change.key, value=change.value, on_delivery=delivered)
        self._producer.poll(0)

    def flush(self, timeout: float = 30.0) -> int:
        """Waits for delivery; returns how many records are still not delivered."""
        return self._producer.flush(timeout)


def publish_on_commit(publisher: ChangePublisher, change: Change, using: Optional[str] = None) -> None:
    """Publishes when the current Django transaction commits; nothing is sent if it rolls back."""
    from django.db import transaction

    transaction.on_commit(lambda: publisher.publish(change), using=using)
