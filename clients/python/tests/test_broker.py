"""Against a real broker (WEAVIATE_SYNC_TEST_BOOTSTRAP=host:port; PythonExampleIT sets it in CI):
records arrive keyed by the canonical id, value unchanged, in per-id order, and a record near the
size limit goes through."""
from __future__ import annotations

import os
import time
import uuid
from collections import defaultdict
from typing import Dict, Iterator, List, Set, Tuple

import pytest
from confluent_kafka import Consumer, KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin import NewTopic  # type: ignore[attr-defined]  # re-exported without __all__

from weaviate_sync import DEFAULT_MAX_RECORD_BYTES, Change, ChangePublisher, PublishError, item_changed, task_changed

BOOTSTRAP = os.environ.get("WEAVIATE_SYNC_TEST_BOOTSTRAP", "")
pytestmark = [pytest.mark.broker,
              pytest.mark.skipif(not BOOTSTRAP, reason="set WEAVIATE_SYNC_TEST_BOOTSTRAP=host:port to run against a broker")]


@pytest.fixture
def topics() -> Iterator[Dict[str, str]]:
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    suffix = uuid.uuid4().hex[:8]
    names = {"ItemChanged": f"py-items-{suffix}", "TaskChanged": f"py-tasks-{suffix}"}
    for future in admin.create_topics([NewTopic(t, num_partitions=3, replication_factor=1)
                                       for t in names.values()]).values():
        future.result(30)
    yield names
    for future in admin.delete_topics(list(names.values())).values():
        try:
            future.result(30)
        except KafkaException:
            pass


def consume(topic: str, count: int, timeout: float = 60.0) -> List[Tuple[int, bytes, bytes]]:
    consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"py-test-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "fetch.max.bytes": 4 * DEFAULT_MAX_RECORD_BYTES})
    consumer.subscribe([topic])
    records: List[Tuple[int, bytes, bytes]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            err = msg.error()
            assert err is None, err
            key, value, partition = msg.key(), msg.value(), msg.partition()
            assert key is not None and value is not None and partition is not None
            records.append((partition, bytes(key), bytes(value)))
    finally:
        consumer.close()
    return records


def test_changes_arrive_keyed_by_id_in_order_per_id(topics: Dict[str, str]) -> None:
    ids = [uuid.uuid4() for _ in range(5)]
    sent: List[Change] = []
    with ChangePublisher(BOOTSTRAP, topics) as publisher:
        for version in range(1, 5):
            for i in ids:
                c = item_changed(str(i).upper(), version=version, properties={"title": f"v{version}", "n": version})
                publisher.publish(c)
                sent.append(c)
        publisher.publish_and_wait(task_changed(ids[0], "DELETE", version=9))
        assert publisher.flush(30) == 0 and publisher.errors == []
    records = consume(topics["ItemChanged"], len(sent))
    assert len(records) == len(sent)
    by_key: Dict[bytes, List[bytes]] = defaultdict(list)
    partitions: Dict[bytes, Set[int]] = defaultdict(set)
    for partition, key, value in records:
        by_key[key].append(value)
        partitions[key].add(partition)
    for i in ids:
        key = str(i).encode()  # canonical lower case, though given upper case
        assert by_key[key] == [c.value for c in sent if c.key == key]
        assert len(partitions[key]) == 1
    deleted = consume(topics["TaskChanged"], 1)
    assert [(k, b'"op":"DELETE"' in v) for _, k, v in deleted] == [(str(ids[0]).encode(), True)]


def test_a_record_just_under_the_default_limit_goes_through(topics: Dict[str, str]) -> None:
    big = item_changed(uuid.uuid4(), version=1, properties={"title": "x" * (DEFAULT_MAX_RECORD_BYTES - 1000)})
    with ChangePublisher(BOOTSTRAP, topics) as publisher:
        publisher.publish_and_wait(big, timeout=60)
    [(_, key, value)] = consume(topics["ItemChanged"], 1)
    assert key == big.key and value == big.value


def test_publish_and_wait_reports_a_topic_that_does_not_exist() -> None:
    missing = {"ItemChanged": f"py-missing-{uuid.uuid4().hex[:8]}"}
    with ChangePublisher(BOOTSTRAP, missing, kafka={"message.timeout.ms": 3000,
                                                    "allow.auto.create.topics": False}) as publisher:
        with pytest.raises(PublishError):
            publisher.publish_and_wait(item_changed(uuid.uuid4(), properties={}), timeout=30)
        assert len(publisher.errors) == 1
