package dev.weaviatesync.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ChangeBuilderTest {
  private static final String ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

  @Test
  void shouldBuildTheContractsJson() throws Exception {
    Change c =
        Changes.itemChanged(UUID.fromString(ID))
            .version(42)
            .occurredAt(Instant.parse("2026-11-29T10:15:30Z"))
            .property("title", "Desk lamp")
            .property("tags", List.of("home"))
            .vector(0.5f, 1f)
            .upsert();
    var json = new ObjectMapper().readTree(c.json());
    assertThat(json.get("type").asText()).isEqualTo("ItemChanged");
    assertThat(json.get("op").asText()).isEqualTo("UPSERT");
    assertThat(json.get("id").asText()).isEqualTo(ID);
    assertThat(json.get("version").asLong()).isEqualTo(42);
    assertThat(json.get("occurredAt").asText()).isEqualTo("2026-11-29T10:15:30Z");
    assertThat(json.get("properties").get("tags").get(0).asText()).isEqualTo("home");
    assertThat(json.get("vector")).hasSize(2);
    assertThat(new String(c.key())).isEqualTo(ID);
    assertThat(Changes.taskChanged(ID).delete().json())
        .contains("\"op\":\"DELETE\"")
        .doesNotContain("properties");
  }

  @Test
  void shouldRefuseInvalidEventsNamingTheField() {
    assertThatThrownBy(() -> Changes.itemChanged((String) null).property("a", 1).upsert())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("id"))
        .hasMessage("id: is missing");
    assertThatThrownBy(() -> Changes.itemChanged("item-42").property("a", 1).upsert())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("id"))
        .hasMessage("id: 'item-42' is not a UUID");
    assertThatThrownBy(() -> Changes.itemChanged(ID).upsert())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("properties"))
        .hasMessageStartingWith("properties: required for UPSERT");
    assertThatThrownBy(() -> Changes.itemChanged(ID).version(-1).delete())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("version"));
    assertThatThrownBy(() -> Changes.of(" ", ID).delete())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("type"));
  }

  @Test
  void shouldRefuseATypeWithoutATopicBeforeSendingAnything() {
    // No broker is contacted: the type check happens first.
    try (var publisher = ChangePublisher.builder().bootstrapServers("127.0.0.1:1").build()) {
      Change invoice = Changes.of("InvoiceChanged", ID).properties(Map.of("total", 3)).upsert();
      assertThatThrownBy(() -> publisher.publish(invoice))
          .isInstanceOfSatisfying(
              InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("type"))
          .hasMessageContaining("unknown type 'InvoiceChanged'");
    }
  }

  /**
   * The builder sends exactly the value it was given, or refuses it: JSON carries finite numbers
   * and Unicode text, so NaN, infinities and unpaired surrogates must be refused, never sent
   * changed ("NaN" as a string, '?' for a surrogate). The model is JSON's, not the builder's.
   */
  @Property(tries = 3000)
  void shouldSendExactlyTheGivenValueOrRefuseIt(@ForAll("values") Object value) throws Exception {
    var mapper = new ObjectMapper();
    Change c;
    try {
      c = Changes.itemChanged(ID).property("v", value).upsert();
    } catch (InvalidChangeException e) {
      assertThat(jsonCanCarry(value))
          .as("refused %s: %s", describe(value), e.getMessage())
          .isFalse();
      assertThat(e.field()).isEqualTo("properties");
      return;
    }
    assertThat(jsonCanCarry(value)).as("sent %s", describe(value)).isTrue();
    var sent = mapper.readTree(c.json().getBytes(StandardCharsets.UTF_8));
    // Numbers compare by value (the contract's numbers are JSON numbers: -0.0 and 0 are one).
    java.util.Comparator<com.fasterxml.jackson.databind.JsonNode> byValue =
        (x, y) ->
            x.isNumber() && y.isNumber()
                ? (x.doubleValue() == y.doubleValue() ? 0 : 1)
                : (x.equals(y) ? 0 : 1);
    com.fasterxml.jackson.databind.JsonNode given = mapper.valueToTree(value);
    assertThat(sent.get("properties").get("v").equals(byValue, given))
        .as("sent %s for %s", sent.get("properties").get("v"), given)
        .isTrue();
  }

  @Test
  void shouldRefuseAValueThatContainsItself() {
    var list = new ArrayList<Object>();
    list.add(list);
    assertThatThrownBy(() -> Changes.itemChanged(ID).property("loop", list).upsert())
        .isInstanceOfSatisfying(
            InvalidChangeException.class, e -> assertThat(e.field()).isEqualTo("properties"));
  }

  @Provide
  Arbitrary<Object> values() {
    Arbitrary<Object> scalar =
        Arbitraries.oneOf(
            Arbitraries.of(
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN, -0.0),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.strings().all().ofMaxLength(6).map(t -> (Object) t),
            Arbitraries.strings().alpha().ofMaxLength(6).map(t -> (Object) t));
    return Arbitraries.oneOf(scalar, scalar.list().ofMaxSize(4).map(l -> (Object) l));
  }

  private static boolean jsonCanCarry(Object v) {
    if (v instanceof Double d) {
      return Double.isFinite(d);
    }
    if (v instanceof Float f) {
      return Float.isFinite(f);
    }
    if (v instanceof String t) {
      return StandardCharsets.UTF_8.newEncoder().canEncode(t);
    }
    if (v instanceof List<?> l) {
      return l.stream().allMatch(ChangeBuilderTest::jsonCanCarry);
    }
    return true;
  }

  private static String describe(Object v) {
    return v instanceof String t
        ? t.chars().mapToObj(ch -> String.format("\\u%04x", ch)).toList().toString()
        : String.valueOf(v);
  }
}
