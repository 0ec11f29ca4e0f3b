package dev.weaviatesync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncConfigTest {

  @Test
  void shouldDeriveTopicsAndCollectionsFromTypeNames() {
    var c = SyncConfig.of(Map.of("types", "ItemChanged,TaskChanged,InvoiceLineChanged"));
    assertThat(c.type("ItemChanged").topic()).isEqualTo("item-changed");
    assertThat(c.type("ItemChanged").collection()).isEqualTo("Item");
    assertThat(c.type("InvoiceLineChanged").topic()).isEqualTo("invoice-line-changed");
    assertThat(c.type("InvoiceLineChanged").collection()).isEqualTo("InvoiceLine");
    assertThat(c.streamsProperties()).containsEntry("processing.guarantee", "exactly_once_v2");
  }

  @Test
  void shouldNameTheKeyInEveryError() {
    assertThatThrownBy(() -> SyncConfig.of(Map.of("flush.max.records", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("flush.max.records: must be an integer, not 'lots'");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("flush.max.recrods", "5")))
        .hasMessageStartingWith("flush.max.recrods: unknown key");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("type.Invoice.topic", "x")))
        .hasMessageStartingWith("type.Invoice.topic: type 'Invoice' is not listed in types");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("type.TaskChanged.topic", "item-changed")))
        .hasMessageStartingWith(
            "type.TaskChanged.topic: topic 'item-changed' is already used by type ItemChanged");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("type.ItemChanged.properties", "title:string")))
        .hasMessageStartingWith("type.ItemChanged.properties: unknown datatype 'string'");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("type.ItemChanged.collection", "item")))
        .hasMessageStartingWith("type.ItemChanged.collection:");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("kafka.processing.guarantee", "exactly_once")))
        .hasMessageStartingWith("kafka.processing.guarantee:");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("retry.jitter", "2")))
        .hasMessageStartingWith("retry.jitter:");
  }

  @Test
  void shouldSayWhatIsAllowedWhenAValueIsNot() {
    // The words after "must be" are the declaration's, the same as in `run --help` and the README.
    assertThatThrownBy(() -> SyncConfig.of(Map.of("weaviate.http.port", "0")))
        .hasMessage("weaviate.http.port: must be a port number 1-65535, not 0");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("collections.create", "yes")))
        .hasMessage("collections.create: must be true or false, not 'yes'");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("retry.jitter", "much")))
        .hasMessage("retry.jitter: must be a number, not 'much'");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("summary.interval.ms", "-1")))
        .hasMessage("summary.interval.ms: must be 0 (off) or positive, not -1");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("types", " , ")))
        .hasMessage("types: at least one event type is required");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("types", "ItemChanged,itemchanged")))
        .hasMessage("types: type 'itemchanged' is listed twice");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("dlq.topic", "dead letters")))
        .hasMessage("dlq.topic: 'dead letters' is not a valid Kafka topic name");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("retry.max.backoff.ms", "100")))
        .hasMessage("retry.max.backoff.ms: must be at least retry.initial.backoff.ms");
    assertThat(
            SyncConfig.of(Map.of("collections.create", " FALSE ", "admin.port", "-1"))
                .collectionsCreate())
        .isFalse();
  }

  @Test
  void shouldBoundAFlushByTheTransactionTimeoutAndMaxPollInterval() {
    // Hole 4: Kafka Streams' exactly-once default transaction timeout (10 s) was shorter than one
    // flush could take; a flush now runs under half of the smaller limit, checked at start-up.
    var defaults = SyncConfig.defaults();
    assertThat(defaults.streamsProperties())
        .containsEntry("producer.transaction.timeout.ms", "60000");
    assertThat(defaults.flushDeadline()).isEqualTo(java.time.Duration.ofSeconds(30));
    var alo = SyncConfig.of(Map.of("kafka.processing.guarantee", "at_least_once"));
    assertThat(alo.flushDeadline()).isEqualTo(java.time.Duration.ofSeconds(150));
    assertThat(alo.streamsProperties()).doesNotContainKey("producer.transaction.timeout.ms");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("kafka.transaction.timeout.ms", "10000")))
        .hasMessageStartingWith(
            "weaviate.timeout.seconds: one Weaviate call (10000 ms) plus retry.max.backoff.ms")
        .hasMessageContaining("flush deadline (5000 ms");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("weaviate.timeout.seconds", "40")))
        .hasMessageStartingWith("weaviate.timeout.seconds:");
    assertThat(
            SyncConfig.of(Map.of("kafka.producer.transaction.timeout.ms", "120000"))
                .flushDeadline())
        .isEqualTo(java.time.Duration.ofSeconds(60));
  }

  @Test
  void shouldNeverPrintSecrets() {
    var c =
        SyncConfig.of(
            Map.of(
                "weaviate.api.key",
                "s3cr3t-key",
                "kafka.sasl.jaas.config",
                // A valid JAAS line (values are checked at load since the Kafka value check).
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"u\" password=\"hunter2\";"));
    assertThat(c.toString())
        .doesNotContain("s3cr3t-key")
        .doesNotContain("hunter2")
        .contains("********");
    assertThat(c.weaviateApiKey()).contains("s3cr3t-key");
  }

  @Test
  void shouldLayerFileThenEnvironment(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("sync.properties");
    Files.writeString(
        f, "flush.max.records=100\ntypes=ItemChanged\ntype.ItemChanged.topic=items\n");
    var c =
        ConfigLoader.load(
            f,
            Map.of(
                "WEAVIATE_SYNC_FLUSH_MAX_RECORDS", "250",
                "WEAVIATE_SYNC_TYPE_ITEMCHANGED_COLLECTION", "Article",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092",
                "KAFKA_MAX_POLL_RECORDS", "50",
                "KAFKA_HEAP_OPTS", "-Xmx1g"));
    assertThat(c.flushMaxRecords()).isEqualTo(250);
    assertThat(c.type("ItemChanged").topic()).isEqualTo("items");
    assertThat(c.type("ItemChanged").collection()).isEqualTo("Article");
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(c.streamsProperties())
        .containsEntry("max.poll.records", "50")
        .doesNotContainKey("heap.opts");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("WEAVIATE_SYNC_FLUSH_MAX", "1")))
        .hasMessageStartingWith("WEAVIATE_SYNC_FLUSH_MAX: unknown environment variable");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.properties"), Map.of()))
        .hasMessageStartingWith("--config: file not found");
  }

  /** What Kubernetes injects for a Service named {@code name} with one port named http (8081). */
  static Map<String, String> serviceLinks(String name) {
    String n = name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    return Map.of(
        n + "_SERVICE_HOST", "10.96.0.12",
        n + "_SERVICE_PORT", "8081",
        n + "_SERVICE_PORT_HTTP", "8081",
        n + "_PORT", "tcp://10.96.0.12:8081",
        n + "_PORT_8081_TCP", "tcp://10.96.0.12:8081",
        n + "_PORT_8081_TCP_PROTO", "tcp",
        n + "_PORT_8081_TCP_PORT", "8081",
        n + "_PORT_8081_TCP_ADDR", "10.96.0.12");
  }

  @Test
  void shouldIgnoreKubernetesServiceLinksOfServicesNamedAfterTheProduct(@TempDir Path dir)
      throws Exception {
    var env = new java.util.HashMap<String, String>();
    env.putAll(serviceLinks("weaviate-sync"));
    env.putAll(serviceLinks("weaviate-sync-metrics"));
    env.put("WEAVIATE_SYNC_FLUSH_MAX_RECORDS", "250");
    var c = ConfigLoader.load(null, env);
    assertThat(c.flushMaxRecords()).isEqualTo(250);
    assertThat(c.describe()).doesNotContainKeys("port", "service.host");
  }

  @Test
  void shouldAdmitPerTypeVariablesOfATypeAddedWithSet() {
    var env = Map.of("WEAVIATE_SYNC_TYPE_INVOICECHANGED_TOPIC", "invoices");
    var c =
        ConfigLoader.load(
            null, env, Map.of("types", "ItemChanged,InvoiceChanged", "flush.max.records", "9"));
    assertThat(c.type("InvoiceChanged").topic()).isEqualTo("invoices");
    assertThat(c.flushMaxRecords()).isEqualTo(9);
    // --set wins over the environment for types too: without the type, its variable is unknown.
    var env2 =
        Map.of(
            "WEAVIATE_SYNC_TYPES", "ItemChanged,InvoiceChanged",
            "WEAVIATE_SYNC_TYPE_INVOICECHANGED_TOPIC", "invoices");
    assertThatThrownBy(() -> ConfigLoader.load(null, env2, Map.of("types", "ItemChanged")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("WEAVIATE_SYNC_TYPE_INVOICECHANGED_TOPIC: unknown environment");
  }

  @Test
  void shouldStillRefuseAMisspeltSettingAndNameIt() {
    var env = new java.util.HashMap<String, String>(serviceLinks("weaviate-sync"));
    env.put("WEAVIATE_SYNC_FLUSH_MAX_RECROD", "5");
    assertThatThrownBy(() -> ConfigLoader.load(null, env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("WEAVIATE_SYNC_FLUSH_MAX_RECROD: unknown environment variable");
    // Shaped like a service link by name, but a plain number: a misspelt setting, not a link.
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("WEAVIATE_SYNC_WEAVIATE_PORT", "8080")))
        .hasMessageStartingWith("WEAVIATE_SYNC_WEAVIATE_PORT: unknown environment variable");
    // A Service named weaviate-sync-admin collides with admin.port: say so instead of a number
    // error.
    assertThatThrownBy(() -> ConfigLoader.load(null, serviceLinks("weaviate-sync-admin")))
        .hasMessageStartingWith(
            "WEAVIATE_SYNC_ADMIN_PORT: 'tcp://10.96.0.12:8081' looks like a Kubernetes service link")
        .hasMessageContaining("enableServiceLinks: false");
  }

  @Test
  void shouldConfigureAVectorizerPerType() {
    var c =
        SyncConfig.of(
            Map.of(
                "type.ItemChanged.vectorizer",
                "text2vec-openai",
                "type.ItemChanged.vectorizer.base.url",
                "http://127.0.0.1:9999",
                "type.ItemChanged.vectorizer.model",
                "text-embedding-3-small"));
    var v = c.type("ItemChanged").vectorizer();
    assertThat(v.module()).isEqualTo("text2vec-openai");
    assertThat(v.baseUrl()).isEqualTo("http://127.0.0.1:9999");
    assertThat(v.model()).isEqualTo("text-embedding-3-small");
    assertThat(c.type("TaskChanged").vectorizer().isNone()).isTrue();
    assertThat(c.describe())
        .containsEntry("type.ItemChanged.vectorizer", "text2vec-openai")
        .containsEntry("type.TaskChanged.vectorizer", "none");
    assertThat(new EntityType("X", "x", "X", java.util.List.of()).vectorizer().isNone()).isTrue();
  }

  @Test
  void shouldNameTheVectorizerKeyThatIsWrong() {
    assertThatThrownBy(
            () -> SyncConfig.of(Map.of("type.ItemChanged.vectorizer", "text2vec-cohere")))
        .hasMessageStartingWith(
            "type.ItemChanged.vectorizer: unknown vectorizer 'text2vec-cohere'");
    assertThatThrownBy(
            () -> SyncConfig.of(Map.of("type.ItemChanged.vectorizer.base.url", "http://x")))
        .hasMessageStartingWith(
            "type.ItemChanged.vectorizer.base.url: is set, but type.ItemChanged.vectorizer=none");
    assertThatThrownBy(
            () ->
                SyncConfig.of(
                    Map.of(
                        "type.ItemChanged.vectorizer",
                        "text2vec-openai",
                        "type.ItemChanged.vectorizer.base.url",
                        "127.0.0.1:9999")))
        .hasMessageStartingWith(
            "type.ItemChanged.vectorizer.base.url: '127.0.0.1:9999' must be an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                SyncConfig.of(
                    Map.of(
                        "type.ItemChanged.vectorizer",
                        "text2vec-openai",
                        "type.ItemChanged.vectorizer.model",
                        "a model")))
        .hasMessageStartingWith("type.ItemChanged.vectorizer.model:");
    assertThatThrownBy(() -> SyncConfig.of(Map.of("type.ItemChanged.vectoriser", "none")))
        .hasMessageStartingWith("type.ItemChanged.vectoriser: unknown key");
  }

  @Test
  void shouldReadVectorizerKeysFromTheEnvironment() {
    var c =
        ConfigLoader.load(
            null,
            Map.of(
                "WEAVIATE_SYNC_TYPE_ITEMCHANGED_VECTORIZER",
                "text2vec-openai",
                "WEAVIATE_SYNC_TYPE_ITEMCHANGED_VECTORIZER_BASE_URL",
                "https://embed.example",
                "WEAVIATE_SYNC_TYPE_ITEMCHANGED_VECTORIZER_MODEL",
                "m1"));
    assertThat(c.type("ItemChanged").vectorizer())
        .isEqualTo(new EntityType.Vectorizer("text2vec-openai", "https://embed.example", "m1"));
  }

  @Test
  void shouldMaskTheGlobalNamesForEveryTypeAndATypesOwnForItsRecords() {
    var c =
        ConfigLoader.load(
            null,
            Map.of(
                "WEAVIATE_SYNC_DLQ_MASK_PROPERTIES",
                "email, ssn,",
                "WEAVIATE_SYNC_TYPE_TASKCHANGED_DLQ_MASK_PROPERTIES",
                "notes"));
    assertThat(c.dlqMaskProperties("ItemChanged")).containsExactly("email", "ssn");
    assertThat(c.dlqMaskProperties("TaskChanged")).containsExactly("email", "ssn", "notes");
    // A record without its type header, or of a type no longer configured: every name.
    assertThat(c.dlqMaskProperties(null)).containsExactly("email", "ssn", "notes");
    assertThat(c.dlqMaskProperties("InvoiceChanged")).containsExactly("email", "ssn", "notes");
    assertThat(c.dlqMaskingOn()).isTrue();
    assertThat(c.describe()).containsEntry("type.TaskChanged.dlq.mask.properties", "notes");
    assertThat(SyncConfig.defaults().dlqMaskingOn()).isFalse();
    assertThat(SyncConfig.defaults().dlqMaskProperties(null)).isEmpty();
  }
}
