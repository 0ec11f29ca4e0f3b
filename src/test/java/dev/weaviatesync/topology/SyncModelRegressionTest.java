package dev.weaviatesync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.stack.Events;
import dev.weaviatesync.topology.ReferenceModel.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The counterexamples {@link SyncModelTest} found (shrunk), and the contract's own examples, as
 * plain tests on the real topology. Each name says the behaviour; the comment says where it came
 * from.
 */
class SyncModelRegressionTest {
  private static final String ID = SyncModelTest.id(0);

  private final TopologyHarness harness = new TopologyHarness(500, 3);
  private int send;
  private int step;

  @AfterEach
  void close() {
    harness.close();
  }

  private TestRecord<byte[], byte[]> upsert(Long version, String title, String missingProperty) {
    var props = new LinkedHashMap<String, Object>();
    props.put("title", title);
    if (missingProperty != null) {
      props.put(missingProperty, "x");
    }
    return TopologyHarness.record(
        send++, ID, Events.upsert(TopologyHarness.TYPE, ID, version, props));
  }

  private TestRecord<byte[], byte[]> upsert(Long version, String title) {
    return upsert(version, title, null);
  }

  private TestRecord<byte[], byte[]> delete(Long version) {
    return TopologyHarness.record(send++, ID, Events.delete(TopologyHarness.TYPE, ID, version));
  }

  private TestRecord<byte[], byte[]> tombstone() {
    return TopologyHarness.record(send++, ID, null);
  }

  private void pipe(TestRecord<byte[], byte[]> r) {
    assertThat(harness.pipe(r, ++step)).isNull();
  }

  private void flush() {
    assertThat(harness.flush(++step)).isNull();
  }

  private List<String> writes() {
    return harness.sink.writes.stream()
        .filter(w -> w.id().equals(ID))
        .map(w -> w.op() == Op.DELETE ? "DELETE" : "UPSERT " + w.props().get("title"))
        .toList();
  }

  private List<String> deadLetters() {
    harness.commit();
    return harness.deadLetters().stream()
        .map(d -> "send " + d.send() + " " + d.category())
        .toList();
  }

  /**
   * SyncModelTest, first counterexample on cc48c54: v0 UPSERT, v0 UPSERT (other properties), flush.
   */
  @Test
  void shouldIgnoreASecondUpsertOfThePendingVersion() {
    pipe(upsert(0L, "e0"));
    pipe(upsert(0L, "e1"));
    flush();
    assertThat(harness.weaviate(ID)).isEqualTo(Map.of("title", "e0"));
    assertThat(writes()).containsExactly("UPSERT e0");
    assertThat(harness.stats.repeated()).isEqualTo(1);
  }

  /** Known hole: a repeat of the written version was written again. */
  @Test
  void shouldNotWriteAgainWhenTheWrittenVersionIsDeliveredTwice() {
    var v3 = upsert(3L, "e0");
    pipe(v3);
    flush();
    pipe(TopologyHarness.record(send++, ID, new String(v3.value())));
    flush();
    assertThat(writes()).containsExactly("UPSERT e0");
    assertThat(harness.stats.repeated()).isEqualTo(1);
  }

  /**
   * SyncModelTest, on cc48c54 with the pending-repeat, tombstone and dead-letter holes patched out:
   * v0 UPSERT, flush, v0 UPSERT (other properties), flush. The second one is a repeat: no write.
   */
  @Test
  void shouldNotOverwriteTheWrittenVersionWithAnotherUpsertOfTheSameVersion() {
    pipe(upsert(0L, "e0"));
    flush();
    pipe(upsert(0L, "e1"));
    flush();
    assertThat(harness.weaviate(ID)).isEqualTo(Map.of("title", "e0"));
    assertThat(writes()).containsExactly("UPSERT e0");
    assertThat(harness.stats.repeated()).isEqualTo(1);
  }

  /**
   * SyncModelTest, second counterexample on cc48c54: v0 UPSERT, tombstone, v0 UPSERT, all in one
   * flush.
   */
  @Test
  void shouldKeepAnIdDeletedWhenALateUpsertFollowsATombstone() {
    pipe(upsert(0L, "e0"));
    pipe(tombstone());
    pipe(upsert(0L, "e2"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(writes()).containsExactly("DELETE");
    assertThat(harness.stats.stale()).isEqualTo(1);
  }

  /** The README's example of a tombstone inheriting H: v7 UPSERT, tombstone, v5 UPSERT. */
  @Test
  void shouldKeepAnIdDeletedWhenAnOlderUpsertFollowsATombstone() {
    pipe(upsert(7L, "v7"));
    pipe(tombstone());
    pipe(upsert(5L, "v5"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    pipe(upsert(3L, "v3"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(harness.stats.stale()).isEqualTo(2);
  }

  /** The brief's example: v3 UPSERT, v4 DELETE, tombstone, v2 UPSERT stays deleted. */
  @Test
  void shouldKeepAnIdDeletedWhenAnOlderUpsertFollowsADeleteAndATombstone() {
    pipe(upsert(3L, "v3"));
    pipe(delete(4L));
    flush();
    pipe(tombstone());
    pipe(upsert(2L, "v2"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(writes()).containsExactly("DELETE", "DELETE");
  }

  /**
   * SyncModelTest, third counterexample on cc48c54: an upsert rejected by Weaviate (dead-lettered),
   * a tombstone, then an upsert of the rejected version: it must stay deleted.
   */
  @Test
  void shouldKeepAnIdDeletedWhenARejectedVersionIsSentAgainAfterATombstone() {
    pipe(upsert(0L, "e0", "p1"));
    flush();
    pipe(tombstone());
    pipe(upsert(0L, "e2"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(writes()).containsExactly("DELETE");
    assertThat(deadLetters()).containsExactly("send 0 REJECTED");
  }

  /**
   * The same with the dead-letter record itself replayed after the fix (what `dlq replay` sends).
   */
  @Test
  void shouldKeepAnIdDeletedWhenARejectedUpsertIsReplayedAfterATombstone() {
    var rejected = upsert(5L, "e0", "p1");
    pipe(rejected);
    flush();
    harness.sink.fix(1);
    pipe(tombstone());
    flush();
    pipe(TopologyHarness.record(send++, ID, new String(rejected.value())));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(deadLetters()).containsExactly("send 0 REJECTED");
  }

  /**
   * Found by SyncModelTest against a guard that compared an incoming event with the last written
   * version although a newer one was pending: v0 DELETE written, an unversioned UPSERT (inherits
   * 0), v0 DELETE: a DELETE after an UPSERT of the same version wins.
   */
  @Test
  void shouldLetADeleteWinOverAnUnversionedUpsertThatInheritedItsVersion() {
    pipe(delete(0L));
    flush();
    pipe(upsert(null, "e1"));
    pipe(delete(0L));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(writes()).containsExactly("DELETE", "DELETE");
  }

  /**
   * The version guard remembers dead-lettered versions: an older upsert after a rejected newer one
   * is stale.
   */
  @Test
  void shouldDropAnOlderUpsertAfterANewerOneWasDeadLettered() {
    pipe(upsert(5L, "v5", "p1"));
    flush();
    pipe(upsert(4L, "v4"));
    flush();
    assertThat(harness.weaviate(ID)).isNull();
    assertThat(harness.stats.stale()).isEqualTo(1);
    assertThat(deadLetters()).containsExactly("send 0 REJECTED");
  }

  /**
   * `dlq replay` after the cause was fixed: the same version and op again is applied, not a repeat.
   */
  @Test
  void shouldApplyAReplayOfADeadLetteredUpsertOnceTheCauseIsFixed() {
    var rejected = upsert(1L, "e0", "p1");
    pipe(rejected);
    flush();
    harness.sink.fix(1);
    pipe(TopologyHarness.record(send++, ID, new String(rejected.value())));
    flush();
    assertThat(harness.weaviate(ID)).isEqualTo(Map.of("title", "e0", "p1", "x"));
    assertThat(harness.stats.repeated()).isZero();
  }
}
