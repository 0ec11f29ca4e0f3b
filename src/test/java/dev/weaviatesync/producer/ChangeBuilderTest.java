package dev.weaviatesync.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
}
