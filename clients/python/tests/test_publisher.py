"""ChangePublisher without a broker: what it refuses is refused before anything is queued."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from confluent_kafka import KafkaError

import weaviate_sync._publisher

from conftest import require
from weaviate_sync import (
    DEFAULT_MAX_RECORD_BYTES,
    FRAMING_ALLOWANCE,
    Change,
    ChangePublisher,
    InvalidChange,
    item_changed,
    publish_on_commit,
    task_changed,
)

ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
# Nothing listens on port 1: a real producer made for it never connects (its log is silenced).
NOWHERE = "127.0.0.1:1"
QUIET = {"log_level": 0}


class FakeProducer:
    """Stands in for confluent_kafka.Producer: keeps the configuration and what was produced."""

    made: List["FakeProducer"] = []

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = config
        self.produced: List[Tuple[str, bytes, bytes]] = []
        FakeProducer.made.append(self)

    def produce(self, topic: str, key: bytes, value: bytes, on_delivery: Any) -> None:
        self.produced.append((topic, key, value))

    def poll(self, timeout: float) -> int:
        return 0

    def flush(self, timeout: float) -> int:
        return 0


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    FakeProducer.made.clear()
    monkeypatch.setattr(weaviate_sync._publisher, "Producer", FakeProducer)
    yield


def produced(p: ChangePublisher) -> List[Tuple[str, bytes, bytes]]:
    mine = [f for f in FakeProducer.made if id(f) == id(getattr(p, "_producer"))]
    assert len(mine) == 1
    return mine[0].produced


@pytest.mark.usefixtures("fake")
def test_the_producer_is_idempotent_with_acks_all() -> None:
    p = ChangePublisher("k1:9092,k2:9092", kafka={"linger.ms": 20, "security.protocol": "SSL"})
    assert FakeProducer.made[0].config == {"bootstrap.servers": "k1:9092,k2:9092", "enable.idempotence": True,
                                           "acks": "all", "linger.ms": 20, "security.protocol": "SSL",
                                           "message.max.bytes": DEFAULT_MAX_RECORD_BYTES}
    c = item_changed(ID.upper(), properties={"title": "lamp"})
    p.publish(c)
    assert produced(p) == [("item-changed", ID.encode(), c.value)]


@pytest.mark.usefixtures("fake")
def test_a_type_without_a_topic_is_refused_and_nothing_is_sent() -> None:
    p = ChangePublisher(NOWHERE, {"ItemChanged": "items"})
    with pytest.raises(InvalidChange) as e:
        p.publish(task_changed(ID, properties={}))
    assert e.value.field == "type" and "configured types: ['ItemChanged']" in str(e.value)
    assert produced(p) == [] and p.topics == {"ItemChanged": "items"}
    assert ChangePublisher(NOWHERE).topics == {"ItemChanged": "item-changed", "TaskChanged": "task-changed"}


@pytest.mark.usefixtures("fake")
def test_a_record_larger_than_the_topic_takes_is_refused_and_nothing_is_sent() -> None:
    p = ChangePublisher(NOWHERE)
    at = "2026-01-01T00:00:00Z"
    overhead = len(item_changed(ID, properties={"t": ""}, occurred_at=at).value) + len(ID) + FRAMING_ALLOWANCE
    fits = item_changed(ID, properties={"t": "x" * (DEFAULT_MAX_RECORD_BYTES - overhead)}, occurred_at=at)
    too_large = item_changed(ID, properties={"t": "x" * (DEFAULT_MAX_RECORD_BYTES - overhead + 1)}, occurred_at=at)
    with pytest.raises(InvalidChange) as e:
        p.publish(too_large)
    assert e.value.field == "value" and f"more than the {DEFAULT_MAX_RECORD_BYTES} the topic takes" in str(e.value)
    assert produced(p) == []
    p.publish(fits)
    assert len(produced(p)) == 1
    small = ChangePublisher(NOWHERE, max_record_bytes=1000)
    with pytest.raises(InvalidChange):
        small.publish(item_changed(ID, properties={"t": "x" * 1000}))
    assert produced(small) == []


@pytest.mark.usefixtures("fake")
@pytest.mark.parametrize("kafka", [{"enable.idempotence": False}, {"enable.idempotence": "false"},
                                   {"acks": "1"}, {"acks": 0}, {"request.required.acks": 1}])
def test_idempotence_and_acks_all_cannot_be_turned_off(kafka: Dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ChangePublisher(NOWHERE, kafka=kafka)
    assert FakeProducer.made == []


@pytest.mark.usefixtures("fake")
def test_settings_that_keep_the_guarantees_are_taken() -> None:
    ChangePublisher(NOWHERE, kafka={"acks": "all", "enable.idempotence": True})
    ChangePublisher(NOWHERE, kafka={"acks": -1, "enable.idempotence": "true"})
    assert len(FakeProducer.made) == 2


@pytest.mark.usefixtures("fake")
@pytest.mark.parametrize("bad", [0, FRAMING_ALLOWANCE, -5, True, 1.5])
def test_max_record_bytes_and_bootstrap_servers_are_checked(bad: Any) -> None:
    with pytest.raises(ValueError):
        ChangePublisher(NOWHERE, max_record_bytes=bad)
    with pytest.raises(ValueError):
        ChangePublisher("")
    assert FakeProducer.made == []


class Recording(ChangePublisher):
    """Records what would be sent; Django decides when."""

    def __init__(self) -> None:
        super().__init__(NOWHERE, kafka=QUIET)
        self.sent: List[Change] = []

    def publish(self, change: Change, on_delivery: Optional[Any] = None) -> None:
        self.check(change)
        self.sent.append(change)


@pytest.fixture(scope="module")
def django_db() -> Any:
    django = require("django")
    from django.conf import settings

    if not settings.configured:
        settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
                           INSTALLED_APPS=[], USE_TZ=True)
        django.setup()
    from django.db import transaction

    return transaction


def test_publish_on_commit_sends_after_the_commit_and_never_after_a_rollback(django_db: Any) -> None:
    transaction = django_db
    p = Recording()
    committed = item_changed(ID, version=1, properties={"title": "lamp"})
    with transaction.atomic():
        publish_on_commit(p, committed)
        assert p.sent == []  # not before the commit
    assert p.sent == [committed]
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            publish_on_commit(p, item_changed(ID, version=2, properties={"title": "never"}))
            raise RuntimeError("roll back")
    assert p.sent == [committed]


def test_publish_on_commit_refuses_a_bad_change_in_the_view_not_in_the_commit_hook(django_db: Any) -> None:
    transaction = django_db
    p = Recording()
    with pytest.raises(InvalidChange):
        with transaction.atomic():
            publish_on_commit(p, change_of_unknown_type())
    assert p.sent == []


def change_of_unknown_type() -> Change:
    from weaviate_sync import change

    return change("OrderChanged", ID, properties={})


def test_delivery_errors_are_reported_and_collected() -> None:
    p = ChangePublisher(NOWHERE, kafka={"log_level": 0, "message.timeout.ms": 300})
    reports: List[Optional[KafkaError]] = []
    p.publish(item_changed(ID, properties={}), on_delivery=lambda _c, err: reports.append(err))
    assert p.flush(10) == 0
    assert len(reports) == 1 and reports[0] is not None
    assert len(p.errors) == 1 and p.errors[0].startswith(f"ItemChanged {ID}: ")
