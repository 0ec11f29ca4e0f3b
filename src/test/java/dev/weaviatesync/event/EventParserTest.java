package dev.weaviatesync.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {
  private static final String ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  private final EventParser parser = new EventParser(Set.of("ItemChanged", "TaskChanged"));

  private static byte[] b(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String event(String extra) {
    return "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\""
        + ID
        + "\",\"version\":3,"
        + "\"occurredAt\":\"2026-11-29T10:15:30Z\",\"properties\":{\"title\":\"x\"}"
        + extra
        + "}";
  }

  @Test
  void shouldParseAValidUpsert() throws Exception {
    ChangeEvent e = parser.parse(b(ID), b(event(",\"vector\":[0.5,1,2]")), "ItemChanged");
    assertThat(e.op()).isEqualTo(Op.UPSERT);
    assertThat(e.id()).isEqualTo(ID);
    assertThat(e.version()).isEqualTo(3L);
    assertThat(e.properties().get("title").asText()).isEqualTo("x");
    assertThat(e.vector()).containsExactly(0.5f, 1f, 2f);
  }

  @Test
  void shouldTreatATombstoneAsADeleteOfItsKey() throws Exception {
    ChangeEvent e = parser.parse(b(ID), null, "ItemChanged");
    assertThat(e.op()).isEqualTo(Op.DELETE);
    assertThat(e.id()).isEqualTo(ID);
    assertThat(e.version()).isNull();
  }

  @Test
  void shouldAcceptADeleteWithoutProperties() throws Exception {
    String json =
        "{\"type\":\"ItemChanged\",\"op\":\"DELETE\",\"id\":\""
            + ID
            + "\",\"occurredAt\":\"2026-11-29T10:15:30+01:00\"}";
    assertThat(parser.parse(b(ID), b(json), "ItemChanged").isDelete()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON           | {\"type\":                                    | | malformed JSON",
        "not an object            | [1,2]                                         | | the value must be a JSON object",
        "missing type             | {\"op\":\"UPSERT\"}                           | | type: is missing",
        "unknown type             | {\"type\":\"Invoice\"}                        | | type: unknown type 'Invoice'",
        "type of another topic    | {\"type\":\"TaskChanged\"}                    | | type: 'TaskChanged' does not belong on this topic",
        "unknown op               | {\"type\":\"ItemChanged\",\"op\":\"MERGE\"}   | | op: unknown op 'MERGE'",
        "missing id               | {\"type\":\"ItemChanged\",\"op\":\"UPSERT\"}  | | id: is missing",
        "id not a uuid            | {\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\"42\"} | | id: '42' is not a UUID",
      })
  void shouldRejectContractViolationsWithTheirReason(
      String name, String json, String unused, String reason) {
    assertThatThrownBy(() -> parser.parse(b(ID), b(json), "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith(reason);
  }

  @Test
  void shouldRejectAKeyThatDiffersFromTheId() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    b("0f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"), b(event("")), "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("differs from the id " + ID);
    assertThatThrownBy(() -> parser.parse(null, b(event("")), "ItemChanged"))
        .hasMessageStartingWith("key: the record key must be the id");
  }

  @Test
  void shouldRejectAKeyThatSpellsTheIdInAnotherCase() throws Exception {
    // Kafka partitions by the key's bytes: an upper-case spelling would give the object a second
    // owner.
    String upper = ID.toUpperCase(java.util.Locale.ROOT);
    assertThatThrownBy(() -> parser.parse(b(upper), b(event("")), "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(
            "key: the record key '"
                + upper
                + "' must be the id in canonical lower-case form: "
                + ID);
    assertThatThrownBy(() -> parser.parse(b(upper), null, "ItemChanged"))
        .hasMessageStartingWith(
            "key: the record key '" + upper + "' must be the id in canonical lower-case form");
    // The id field itself may be upper-case; the key is what decides the partition.
    assertThat(parser.parse(b(ID), b(event("").replace(ID, upper)), "ItemChanged").id())
        .isEqualTo(ID);
  }

  @Test
  void shouldRejectBadVersionsTimestampsPropertiesAndVectors() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID), b(event("").replace("\"version\":3", "\"version\":-1")), "ItemChanged"))
        .hasMessage("version: must be >= 0, not -1");
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID),
                    b(event("").replace("\"version\":3", "\"version\":\"3\"")),
                    "ItemChanged"))
        .hasMessageStartingWith("version: must be an integer");
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID),
                    b(event("").replace("2026-11-29T10:15:30Z", "yesterday")),
                    "ItemChanged"))
        .hasMessageStartingWith("occurredAt: 'yesterday' is not an RFC 3339 timestamp");
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID),
                    b(event("").replace(",\"properties\":{\"title\":\"x\"}", "")),
                    "ItemChanged"))
        .hasMessageStartingWith("properties: required for UPSERT");
    assertThatThrownBy(() -> parser.parse(b(ID), b(event(",\"vector\":[1,\"a\"]")), "ItemChanged"))
        .hasMessage("vector: element 1 is string, not a number");
    assertThatThrownBy(
            () -> parser.parse(b(ID), new byte[] {(byte) 0xff, (byte) 0xfe}, "ItemChanged"))
        .hasMessage("value: is not valid UTF-8");
  }

  @Test
  void shouldRejectATombstoneWithoutAUsableKey() {
    assertThatThrownBy(() -> parser.parse(null, null, "ItemChanged"))
        .hasMessageStartingWith("key: a tombstone");
    assertThatThrownBy(() -> parser.parse(b("abc"), null, "ItemChanged"))
        .hasMessage("key: 'abc' is not a UUID");
  }

  @Test
  void shouldRefuseAnUnpairedSurrogateInPropertiesButTakeAPairedOne() throws Exception {
    // Weaviate stored "\ud800" as '?': a silent change of the data (found by the bad-input
    // catalogue).
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID),
                    b(event("").replace("\"title\":\"x\"", "\"title\":\"a\\ud800b\"")),
                    "ItemChanged"))
        .hasMessage(
            "properties: a string value holds an unpaired UTF-16 surrogate (not Unicode text)");
    assertThatThrownBy(
            () ->
                parser.parse(
                    b(ID),
                    b(event("").replace("\"title\":\"x\"", "\"t\\udc00\":[\"x\"]")),
                    "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("surrogate");
    assertThat(
            parser
                .parse(
                    b(ID),
                    b(event("").replace("\"title\":\"x\"", "\"title\":\"\\ud83d\\ude00\"")),
                    "ItemChanged")
                .properties()
                .get("title")
                .textValue())
        .isEqualTo("\uD83D\uDE00");
  }
}
