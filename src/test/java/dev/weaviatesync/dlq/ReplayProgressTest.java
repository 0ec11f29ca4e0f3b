package dev.weaviatesync.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayProgressTest {

  @Test
  void shouldAdvancePastEverythingWhenNothingIsLeftOpen() {
    var p = new ReplayProgress(0, null);
    p.markHandled(0);
    p.markHandled(2); // offset 1 was a transaction marker: no record
    var c = p.finish(4);
    assertThat(c.offset()).isEqualTo(4);
    assertThat(c.metadata()).isEmpty();
  }

  @Test
  void shouldStopAtTheFirstRecordLeftOutAndRememberWhatWasHandledBeyondIt() {
    var p = new ReplayProgress(10, null);
    p.markHandled(10);
    p.leaveOpen(12);
    p.markHandled(13);
    p.markHandled(14);
    p.markHandled(17);
    var c = p.finish(20);
    assertThat(c.offset()).isEqualTo(12);
    assertThat(c.metadata()).isEqualTo("13-14,17");

    var next = new ReplayProgress(c.offset(), c.metadata());
    assertThat(next.isHandled(11)).isTrue();
    assertThat(next.isHandled(12)).isFalse();
    assertThat(next.isHandled(13)).isTrue();
    assertThat(next.isHandled(15)).isFalse();
    assertThat(next.isHandled(17)).isTrue();
    next.markHandled(12);
    next.markHandled(15);
    next.markHandled(16);
    assertThat(next.finish(20)).isEqualTo(new ReplayProgress.Commit(20, ""));
  }

  @Test
  void shouldRefuseToRememberMoreThanFitsInCommitMetadata() {
    var p = new ReplayProgress(0, null);
    p.leaveOpen(0);
    long o = 1;
    while (p.canRemember(o)) {
      p.markHandled(o);
      o += 2; // alternate handled / left out: the worst case for ranges
    }
    assertThat(p.finish(o).metadata().length()).isLessThanOrEqualTo(ReplayProgress.MAX_METADATA);
  }
}
