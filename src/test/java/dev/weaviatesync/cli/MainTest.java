package dev.weaviatesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.Keys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void shouldListEveryConfigurationKeyInRunHelp() {
    assertThat(run("run", "--help")).isZero();
    for (Keys.Doc k : Keys.documented()) {
      assertThat(out.toString()).contains(k.name()).contains(k.envName());
    }
  }

  @Test
  void shouldShowTheDeclaredDefaultOfEveryKeyInRunHelp() {
    assertThat(run("run", "--help")).isZero();
    String help = out.toString();
    assertThat(help)
        .contains(
            String.format(
                "  flush.max.records [WEAVIATE_SYNC_FLUSH_MAX_RECORDS]%n      default: 500; allowed: positive%n"));
    for (Keys.Doc k : Keys.documented()) {
      String dflt =
          k.derivedDefault() != null
              ? k.derivedDefault().replace("`", "")
              : k.defaultValue() == null
                  ? "(none)"
                  : k.defaultValue().isEmpty() ? "(empty)" : k.defaultValue();
      assertThat(help).as("help of %s", k.name()).contains("default: " + dflt);
    }
  }

  @Test
  void shouldExitWithUsageCodeAndNameTheKeyOnBadConfiguration() {
    assertThat(run("run", "--set", "flush.max.records=many")).isEqualTo(2);
    assertThat(err.toString()).contains("flush.max.records: must be an integer, not 'many'");
  }

  @Test
  void shouldNotPrintTheApiKeyWhenItsConfigurationIsBad() {
    assertThat(
            run("run", "--set", "weaviate.api.key=top-secret-123", "--set", "weaviate.http.port=0"))
        .isEqualTo(2);
    assertThat(err.toString() + out)
        .doesNotContain("top-secret-123")
        .contains("weaviate.http.port");
  }

  @Test
  void shouldExitWithUsageCodeWithoutACommand() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
  }

  @Test
  void shouldReportInvalidLinesByNumberAndSendNothingInDryRunOrStrictMode(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("events.jsonl");
    Files.writeString(
        f,
        String.join(
            "\n",
            "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\","
                + "\"occurredAt\":\"2026-11-29T10:00:00Z\",\"properties\":{\"title\":\"ok\"}}",
            "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"occurredAt\":\"2026-11-29T10:00:00Z\",\"properties\":{}}",
            "",
            "not json"));
    // No broker is configured or reachable: these modes must not try to send.
    assertThat(
            run(
                "publish",
                "--dry-run",
                "--set",
                "kafka.bootstrap.servers=127.0.0.1:1",
                f.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("line 2: id: is missing")
        .contains("line 4: malformed JSON");
    assertThat(out.toString()).contains("1 valid, 2 invalid lines; dry run, nothing sent");
    assertThat(
            run(
                "publish",
                "--strict",
                "--set",
                "kafka.bootstrap.servers=127.0.0.1:1",
                f.toString()))
        .isEqualTo(1);
    assertThat(out.toString()).contains("--strict: nothing sent");
    assertThat(run("publish", "--dry-run", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
  }

  /** Mistyped arguments that carry a secret: exit 2, say what is wrong, never print the secret. */
  @Test
  void shouldNeverEchoASecretFromAMistypedArgument() {
    String secret = "Zq9SECRETpw_77xy";
    String[][] cases = {
      {"publish", "--dry-run", "--set", "weaviate.api.key:" + secret, "-"},
      {"publish", "--dry-run", "--api-key=" + secret, "-"},
      {"run", "--set", "kafka.sasl.jaas.config=x password=\"" + secret, "--set", "types="},
      {"dlq", "list", "--category", "BOGUS", "--set", "weaviate.api.key=" + secret},
      {
        "publish", "--dry-run", "--set", "kafka.sasl.jaas.config=x password=\"" + secret + "\"", "-"
      },
    };
    for (String[] args : cases) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      assertThat(run(args)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).isNotBlank();
      assertThat(out.toString() + err.toString()).doesNotContain(secret);
    }
  }

  /** A JAAS line is full of '=': --set splits at the first one only and keeps the rest whole. */
  @Test
  void shouldKeepAValueWithEqualsSignsWholeAndSecret() throws Exception {
    String secret = "pw=with=equals";
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
            + " password=\""
            + secret
            + "\";";
    var config = ConfigOptions.parse(java.util.List.of("kafka.sasl.jaas.config=" + jaas));
    assertThat(config).containsEntry("kafka.sasl.jaas.config", jaas);
    assertThat(run("publish", "--dry-run", "--set", "kafka.sasl.jaas.config=" + jaas, "/dev/null"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString() + err.toString()).doesNotContain(secret);
  }

  @Test
  void shouldRefuseAMisspeltKafkaSettingAndAcceptPrefixedOnes() {
    assertThat(run("publish", "--dry-run", "--set", "kafka.bootstrap.server=x:1", "-"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("kafka.bootstrap.server: unknown Kafka setting");
    // Known settings with values Kafka itself would refuse later: refused now, naming the key.
    for (String bad :
        new String[] {
          "kafka.security.protocol=FOO", "kafka.max.poll.records=abc", "kafka.producer.acks=7"
        }) {
      err.getBuffer().setLength(0);
      assertThat(run("publish", "--dry-run", "--set", bad, "/dev/null")).as(bad).isEqualTo(2);
      assertThat(err.toString())
          .contains(bad.substring(0, bad.indexOf('=')) + ": Kafka refuses it");
    }
    for (String ok :
        new String[] {
          "kafka.producer.max.request.size=2097152",
          "kafka.main.consumer.max.poll.records=100",
          "kafka.topic.retention.ms=1000",
          "kafka.ssl.truststore.type=PKCS12",
        }) {
      err.getBuffer().setLength(0);
      assertThat(run("publish", "--dry-run", "--set", ok, "/dev/null"))
          .as(ok + ": " + err)
          .isZero();
    }
  }

  @Test
  void shouldReadAConfigFileThatStartsWithAByteOrderMark(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.properties");
    Files.writeString(file, "\uFEFFflush.max.records=7\n");
    assertThat(run("publish", "--dry-run", "--config", file.toString(), "/dev/null"))
        .as(err.toString())
        .isZero();
  }
}
