"""Publishes checked changes to Kafka with an idempotent producer (acks=all), keyed by id."""
from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Callable, Dict, List, Mapping, Optional, Type, Union

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from ._contract import Change, InvalidChange

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "DEFAULT_TOPICS",
    "FRAMING_ALLOWANCE",
    "ChangePublisher",
    "DeliveryCallback",
    "PublishError",
    "publish_on_commit",
]

#: The default types and their topics, as the worker's default configuration has them.
DEFAULT_TOPICS: Mapping[str, str] = {"ItemChanged": "item-changed", "TaskChanged": "task-changed"}
#: Kafka's default record size limit (a topic's ``max.message.bytes``, 1 MiB).
DEFAULT_MAX_RECORD_BYTES = 1_048_576
#: What a record adds to a produce request beyond its key and value (batch header and varints),
#: rounded up, as the worker counts it.
FRAMING_ALLOWANCE = 128

KafkaValue = Union[str, int, float, bool]
DeliveryCallback = Callable[[Change, Optional[KafkaError]], None]
"""Called once per published change, from whichever thread polls the producer (``publish``,
``flush``): with ``None`` once the broker acknowledged it, else with the error."""


class PublishError(Exception):
    """Kafka did not take a change (refused it, or did not acknowledge it in time)."""

    def __init__(self, message: str, change: Change) -> None:
        super().__init__(message)
        self.change = change


class ChangePublisher:
    """One idempotent Kafka producer (``enable.idempotence=true``, ``acks=all``) for the changes of a process.

    Per id the records arrive in the order they were published, without duplicates from retries.
    Thread-safe, like confluent-kafka's ``Producer``: share one per process, and :meth:`close` (or
    ``with``) at shutdown.

    :param bootstrap_servers: ``host:port,...``
    :param topics: the topic of each type (replaces :data:`DEFAULT_TOPICS`); a change of a type not
        listed is refused
    :param kafka: further librdkafka settings (security, ``linger.ms``, ...); idempotence and
        ``acks=all`` cannot be turned off
    :param max_record_bytes: the input topics' ``max.message.bytes``; a larger record is refused
        before it is sent. Raise it only together with the topics' limit, and note that the worker
        dead-letters a record too large to keep pending (about 2 MiB unless configured) as TOO_LARGE
    """

    def __init__(self, bootstrap_servers: str, topics: Optional[Mapping[str, str]] = None, *,
                 kafka: Optional[Mapping[str, KafkaValue]] = None,
                 max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        if not bootstrap_servers:
            raise ValueError("bootstrap_servers is required")
        if isinstance(max_record_bytes, bool) or not isinstance(max_record_bytes, int) \
                or max_record_bytes <= FRAMING_ALLOWANCE:
            raise ValueError(f"max_record_bytes must be an integer above {FRAMING_ALLOWANCE}, not {max_record_bytes!r}")
        config: Dict[str, KafkaValue] = {"linger.ms": 5, "message.max.bytes": max(max_record_bytes, 1_000_000)}
        for name, value in (kafka or {}).items():
            if name == "enable.idempotence" and str(value).lower() != "true":
                raise ValueError("enable.idempotence cannot be turned off: per-id order and no duplicates need it")
            if name in ("acks", "request.required.acks") and str(value).lower() not in ("all", "-1"):
                raise ValueError(f"{name} must be all: an event acknowledged by one broker only can be lost")
            config[name] = value
        config.update({"bootstrap.servers": bootstrap_servers, "enable.idempotence": True, "acks": "all"})
        self._producer = Producer(config)
        self._topics: Dict[str, str] = dict(DEFAULT_TOPICS if topics is None else topics)
        self.max_record_bytes = max_record_bytes
        #: One line per change Kafka did not take: ``"<type> <id>: <error>"``.
        self.errors: List[str] = []

    @property
    def topics(self) -> Mapping[str, str]:
        """The topic of each type."""
        return dict(self._topics)

    def check(self, change: Change) -> str:
        """The topic ``change`` goes to; raises :class:`InvalidChange` when this publisher would refuse it."""
        topic = self._topics.get(change.type)
        if topic is None:
            raise InvalidChange("type", f"unknown type {change.type!r}; configured types: {sorted(self._topics)}")
        size = len(change.key) + len(change.value) + FRAMING_ALLOWANCE
        if size > self.max_record_bytes:
            raise InvalidChange("value", f"the record is {size} bytes (key, value and {FRAMING_ALLOWANCE} bytes of "
                                         f"framing), more than the {self.max_record_bytes} the topic takes "
                                         "(max_record_bytes)")
        return topic

    def publish(self, change: Change, on_delivery: Optional[DeliveryCallback] = None) -> None:
        """Hands ``change`` to Kafka (asynchronous); :meth:`flush` waits for delivery.

        :raises InvalidChange: the type has no topic here, or the record is too large; nothing is sent
        :raises PublishError: Kafka refused it at once (e.g. the local queue stayed full)
        """
        topic = self.check(change)

        def delivered(err: Optional[KafkaError], _msg: Message) -> None:
            if err is not None:
                self.errors.append(f"{change.type} {change.id}: {err.str()}")
            if on_delivery is not None:
                on_delivery(change, err)

        for attempt in (1, 2):
            try:
                self._producer.produce(topic, key=change.key, value=change.value, on_delivery=delivered)
                break
            except BufferError:
                if attempt == 2:
                    raise PublishError(f"could not publish {change.type} {change.id}: the local queue is full",
                                       change) from None
                self._producer.poll(1.0)  # serve delivery reports, which frees room
            except KafkaException as e:
                raise PublishError(f"could not publish {change.type} {change.id}: {e}", change) from e
        self._producer.poll(0)

    def publish_and_wait(self, change: Change, timeout: float = 60.0) -> None:
        """Publishes and waits until the broker acknowledged ``change``.

        :raises InvalidChange: as :meth:`publish`; nothing is sent
        :raises PublishError: Kafka refused it, or did not acknowledge it within ``timeout`` seconds
            (then it stays queued and may still be delivered; ``on_delivery``-style reports go to
            :attr:`errors`)
        """
        done = threading.Event()
        failure: List[KafkaError] = []

        def delivered(_change: Change, err: Optional[KafkaError]) -> None:
            if err is not None:
                failure.append(err)
            done.set()

        self.publish(change, on_delivery=delivered)
        deadline = time.monotonic() + timeout
        while not done.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                raise PublishError(f"{change.type} {change.id} was not acknowledged within {timeout} s", change)
            self._producer.poll(min(left, 0.1))
        if failure:
            raise PublishError(f"could not publish {change.type} {change.id}: {failure[0].str()}", change)

    def flush(self, timeout: float = 30.0) -> int:
        """Waits for delivery of everything published so far; returns how many records are still not delivered."""
        return int(self._producer.flush(timeout))

    def close(self, timeout: float = 30.0) -> int:
        """Flushes; returns how many records were still not delivered (then lost)."""
        return self.flush(timeout)

    def __enter__(self) -> ChangePublisher:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()


def publish_on_commit(publisher: ChangePublisher, change: Change, using: Optional[str] = None) -> None:
    """Publishes ``change`` when the current Django transaction commits; nothing is sent if it rolls back.

    Checked now (type and size), so a bad event fails the view, not the commit hook. Outside a
    transaction (autocommit) Django runs the hook at once. Needs the ``django`` extra.
    """
    from django.db import transaction

    publisher.check(change)
    transaction.on_commit(lambda: publisher.publish(change), using=using)
