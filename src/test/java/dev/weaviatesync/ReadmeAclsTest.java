package dev.weaviatesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.stack.KafkaAcls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Kafka ACLs" tables and kafka-acls commands are rendered from {@link KafkaAcls}, the
 * list {@code SecureKafkaIT} grants on a broker that denies everything else: what the README tells
 * users to grant is what was proven to be enough.
 */
class ReadmeAclsTest {
  /** The names in the tables: the configuration keys they come from. */
  private static final List<String> INPUTS = List.of("<type.<Type>.topic>");

  private static final String DLQ = "<dlq.topic>";
  private static final String APP = "<kafka.application.id>";

  /** The names in the commands: the defaults. */
  private static final List<String> DEFAULT_INPUTS = List.of("item-changed", "task-changed");

  private static final String DEFAULT_DLQ = "weaviate-sync-dlq";
  private static final String DEFAULT_APP = "weaviate-sync";

  static List<String> workerTable() {
    return KafkaAcls.table(KafkaAcls.worker(INPUTS, DLQ, APP, true, true));
  }

  static List<String> publisherTable() {
    return KafkaAcls.table(KafkaAcls.publisher(INPUTS));
  }

  static List<String> operatorTable() {
    return KafkaAcls.table(KafkaAcls.operator(INPUTS, DLQ, APP, APP + "-dlq-replay", true));
  }

  /** For the defaults: exactly_once_v2, topics.create=false, no dlq purge. */
  static List<String> commands() {
    var out = new ArrayList<String>();
    out.addAll(
        KafkaAcls.commands(
            "User:weaviate-sync",
            KafkaAcls.worker(DEFAULT_INPUTS, DEFAULT_DLQ, DEFAULT_APP, false, true)));
    out.addAll(KafkaAcls.commands("User:publisher", KafkaAcls.publisher(DEFAULT_INPUTS)));
    out.addAll(
        KafkaAcls.commands(
            "User:operator",
            KafkaAcls.operator(
                DEFAULT_INPUTS, DEFAULT_DLQ, DEFAULT_APP, DEFAULT_APP + "-dlq-replay", false)));
    return out;
  }

  @Test
  void shouldShowTheAclsSecureKafkaItGrants() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (var block : List.of(workerTable(), publisherTable(), operatorTable(), commands())) {
      String expected = String.join("\n", block);
      assertThat(readme)
          .as(
              "README's \"Kafka ACLs\" is rendered from KafkaAcls; it lacks this block:%n%n%s%n",
              expected)
          .contains(expected);
    }
  }
}
