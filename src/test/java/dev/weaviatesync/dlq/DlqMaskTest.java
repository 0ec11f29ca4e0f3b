package dev.weaviatesync.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.SyncConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DlqMaskTest {
  private static final DlqMask MASK =
      DlqMask.of(
          SyncConfig.of(
              Map.of(
                  "dlq.mask.properties",
                  "email,Price",
                  "type.TaskChanged.dlq.mask.properties",
                  "notes")));

  private static DlqRecord record(String type, String value, String message) {
    var r =
        new ConsumerRecord<byte[], byte[]>(
            "dlq",
            0,
            7,
            "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b".getBytes(StandardCharsets.UTF_8),
            value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    if (type != null) {
      r.headers().add(DlqHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
    }
    r.headers().add(DlqHeaders.MESSAGE, message.getBytes(StandardCharsets.UTF_8));
    return DlqRecord.of(r);
  }

  @Test
  void shouldMaskTheNamedFieldsAtAnyDepthIgnoringCaseAndKeepTheRest() {
    var r =
        record(
            "ItemChanged",
            "{\"type\":\"ItemChanged\",\"email\":\"top@example.com\",\"properties\":{\"title\":\"lamp\","
                + "\"PRICE\":19.9,\"owner\":{\"Email\":[\"a@example.com\",\"b@example.com\"]},"
                + "\"contacts\":[{\"email\":{\"work\":\"w@example.com\"}}],\"notes\":\"kept\"}}",
            "x");
    var m = MASK.apply(r);
    assertThat(m.on()).isTrue();
    assertThat(m.hidden()).isNull();
    assertThat(m.fields()).isEqualTo(4);
    assertThat(m.json().toString())
        .isEqualTo(
            "{\"type\":\"ItemChanged\",\"email\":\"***\",\"properties\":{\"title\":\"lamp\","
                + "\"PRICE\":\"***\",\"owner\":{\"Email\":\"***\"},"
                + "\"contacts\":[{\"email\":\"***\"}],\"notes\":\"kept\"}}");
    assertThat(m.summary())
        .isEqualTo(
            "4 fields of email, price shown as *** (dlq.mask.properties); dlq replay sends the original bytes");
    // The record is untouched: replay sends r.value().
    assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("top@example.com");
  }

  @Test
  void shouldAddTheTypesOwnNames() {
    var m =
        MASK.apply(
            record("TaskChanged", "{\"properties\":{\"notes\":\"private\",\"title\":\"t\"}}", "x"));
    assertThat(m.json().toString())
        .isEqualTo("{\"properties\":{\"notes\":\"***\",\"title\":\"t\"}}");
  }

  @Test
  void shouldTakeMaskedValuesOutOfTheMessageWhereQuotedOrLongEnough() {
    var r =
        record(
            "ItemChanged",
            "{\"properties\":{\"price\":\"cheap\",\"email\":\"me@example.com\",\"title\":\"cheap lamp\"}}",
            "x");
    var m = MASK.apply(r);
    assertThat(
            m.text(
                "invalid number property 'price' on class 'Item': requires a float, the given value is 'cheap'"))
        .isEqualTo(
            "invalid number property 'price' on class 'Item': requires a float, the given value is '***'");
    assertThat(m.text("mail me@example.com, or \"me@example.com\"; cheap lamp"))
        .isEqualTo("mail ***, or \"***\"; *** lamp");
    // Short values only where quoted: 'red' stays in "colored".
    var short3 = MASK.apply(record("ItemChanged", "{\"price\":\"red\"}", "x"));
    assertThat(short3.text("colored red 'red'")).isEqualTo("colored red '***'");
    var number = MASK.apply(record("ItemChanged", "{\"price\":1.5}", "x"));
    assertThat(number.text("requires an integer, the given value is '1.5'"))
        .isEqualTo("requires an integer, the given value is '***'");
  }

  @Test
  void shouldNotShowAValueThatIsNotAJsonObjectOrArrayNorWhatTheMessageQuotesOfIt() {
    var malformed =
        MASK.apply(
            record(
                "ItemChanged",
                "{\"type\": \"ItemChanged\", \"email\": alice@example.com}",
                "malformed JSON: Unrecognized token 'alice': was expecting (JSON String, Number, "
                    + "Array, Object or token 'null', 'true' or 'false')"));
    assertThat(malformed.json()).isNull();
    assertThat(malformed.hidden()).isEqualTo("<51 bytes, not JSON, not shown while masking is on>");
    assertThat(
            malformed.text(
                "malformed JSON: Unrecognized token 'alice': was expecting (JSON String, Number, "
                    + "Array, Object or token 'null', 'true' or 'false')"))
        .isEqualTo(
            "malformed JSON: Unrecognized token '***': was expecting (JSON String, Number, "
                + "Array, Object or token 'null', 'true' or 'false')");
    assertThat(malformed.summary())
        .isEqualTo(
            "the value is not shown (email, price configured in dlq.mask.properties); dlq replay sends the original bytes");
    // An event encoded twice is a JSON string holding all of it.
    var twice = MASK.apply(record("ItemChanged", "\"{\\\"email\\\":\\\"a@example.com\\\"}\"", "x"));
    assertThat(twice.hidden())
        .isEqualTo("<31 bytes, not a JSON object or array, not shown while masking is on>");
    // Trailing content would go unseen behind the first object: not JSON.
    var trailing =
        MASK.apply(record("ItemChanged", "{\"title\":\"x\"} {\"email\":\"b@c.d\"}", "x"));
    assertThat(trailing.hidden()).startsWith("<31 bytes, not JSON,");
  }

  @Test
  void shouldMaskAHeaderOfAMaskedName() {
    var m = MASK.apply(record("ItemChanged", "{}", "x"));
    assertThat(m.header("Email", "a@example.com")).isEqualTo("***");
    assertThat(m.header("trace-id", "abc")).isEqualTo("abc");
  }

  @Test
  void shouldChangeNothingWhenNothingIsConfigured() {
    var off = DlqMask.of(SyncConfig.defaults());
    assertThat(off.on()).isFalse();
    var m = off.apply(record("ItemChanged", "{\"email\":\"a@example.com\"}", "x"));
    assertThat(m.on()).isFalse();
    assertThat(m.json().toString()).isEqualTo("{\"email\":\"a@example.com\"}");
    assertThat(m.text("'a@example.com'")).isEqualTo("'a@example.com'");
    assertThat(off.apply(record("ItemChanged", "not json", "x")).json()).isNull();
    assertThat(off.apply(record("ItemChanged", null, "x")).json()).isNull();
  }
}
