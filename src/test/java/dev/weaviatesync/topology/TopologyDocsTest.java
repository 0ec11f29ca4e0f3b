package dev.weaviatesync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.SyncConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code topology-docs/topology.txt} is generated from {@link SyncTopology#build} with the default
 * configuration; this test fails when the code and the committed description drift apart.
 * Regenerate with {@code UPDATE_TOPOLOGY_DOCS=true ./mvnw test -Dtest=TopologyDocsTest}.
 */
class TopologyDocsTest {
  private static final Path DOC = Path.of("topology-docs/topology.txt");

  static String describe() {
    return SyncTopology.build(SyncConfig.defaults(), new SyncTopology.Services(null, null, null))
        .describe()
        .toString();
  }

  @Test
  void shouldMatchTheCommittedTopologyDescription() throws Exception {
    String actual = describe();
    if ("true".equals(System.getenv("UPDATE_TOPOLOGY_DOCS"))) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, actual);
    }
    assertThat(Files.readString(DOC))
        .as("topology-docs/topology.txt is stale; see the Javadoc of this test")
        .isEqualTo(actual);
  }
}
