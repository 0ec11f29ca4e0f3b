"""Publish weaviate-sync change events from Python (Django or anything else).

The event contract is ``schema/change-event.schema.json`` of the weaviate-sync repository: one JSON
object per Kafka record, the record key is the object's id. :func:`change` (and
:func:`item_changed`, :func:`task_changed`) builds such an event and checks it by the worker's rules,
raising :class:`InvalidChange` for one the worker would dead-letter; :class:`ChangePublisher` sends
it with an idempotent producer (``acks=all``), so per-id order holds and retries do not duplicate::

    publisher = ChangePublisher("127.0.0.1:9092")
    publisher.publish(item_changed(item.id, version=item.version, properties={"title": item.title}))
    publisher.flush()

In a Django view, publish only once the database transaction has committed::

    with transaction.atomic():
        item.save()
        publish_on_commit(publisher, item_changed(item.id, version=item.version, properties=...))
"""
from ._contract import (
    FLOAT32_MAX,
    MAX_NAME_LENGTH,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_STRING_LENGTH,
    OPS,
    Change,
    InvalidChange,
    Op,
    change,
    item_changed,
    task_changed,
)
from ._publisher import (
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_TOPICS,
    FRAMING_ALLOWANCE,
    ChangePublisher,
    DeliveryCallback,
    PublishError,
    publish_on_commit,
)

__version__ = "0.1.0"

__all__ = [
    "Change",
    "ChangePublisher",
    "DEFAULT_MAX_RECORD_BYTES",
    "DEFAULT_TOPICS",
    "DeliveryCallback",
    "FLOAT32_MAX",
    "FRAMING_ALLOWANCE",
    "InvalidChange",
    "MAX_NAME_LENGTH",
    "MAX_NESTING_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_STRING_LENGTH",
    "OPS",
    "Op",
    "PublishError",
    "change",
    "item_changed",
    "publish_on_commit",
    "task_changed",
]
