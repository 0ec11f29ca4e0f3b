package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.sink.FatalSinkException;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.stack.WeaviateRest;
import dev.weaviatesync.stack.WorkerProcess;
import dev.weaviatesync.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker against a Weaviate with API keys and RBAC (issue 13), a server of this class's own
 * (the shared one stays anonymous): the README's role is enough to write, update and delete, each
 * of its permissions is needed, and a key that lacks one stops the worker, at start-up or while it
 * runs, with the permission named and nothing dead-lettered.
 */
@ExtendWith(LocalStack.class)
class WeaviateRbacIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path DIR = LocalStack.dir("weaviate-rbac");
  private static String rootKey;
  private static int[] ports;

  private final LocalStack stack = LocalStack.get();

  /** After the shared stack (the extension), whose start wipes the directory this one uses. */
  @BeforeAll
  static void startWeaviateWithRbac() throws Exception {
    rootKey = ItSecrets.register("root-" + UUID.randomUUID());
    ports =
        LocalStack.startExtraWeaviate(
            DIR,
            Map.of(
                "WEAVIATE_API_KEYS", rootKey,
                "WEAVIATE_API_USERS", "admin",
                "WEAVIATE_RBAC_ROOT_USERS", "admin"));
  }

  @AfterAll
  static void stopWeaviate() {
    LocalStack.stopExtraWeaviate(DIR);
  }

  private static WeaviateRest root() {
    return new WeaviateRest(ports[0], rootKey);
  }

  /** A request as the root user that must succeed; its body as JSON (null when empty). */
  private static JsonNode asRoot(String method, String path, Object body) throws Exception {
    var answer =
        root().exchange(method, path, body == null ? null : MAPPER.writeValueAsString(body));
    assertThat(answer.status()).as("%s %s: %s", method, path, answer.body()).isBetween(200, 299);
    return answer.body() == null || answer.body().isBlank() ? null : answer.json();
  }

  /**
   * The role documented in the README (its JSON block after the weaviate-sync-role marker), for the
   * scenario's collections instead of Item and Task, without the permissions {@code drop} matches.
   */
  private static ArrayNode readmeRole(Scenario s, Predicate<JsonNode> drop) throws Exception {
    List<String> lines = Files.readAllLines(LocalStack.root().resolve("README.md"));
    int marker = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("<!-- weaviate-sync-role:")) {
        marker = i;
      }
    }
    assertThat(marker).as("README has the weaviate-sync-role marker").isNotNegative();
    assertThat(lines.get(marker + 1)).isEqualTo("```json");
    var json = new StringBuilder();
    for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
      json.append(lines.get(i)).append('\n');
    }
    JsonNode role = MAPPER.readTree(json.toString());
    var permissions = MAPPER.createArrayNode();
    for (JsonNode p : role.path("permissions")) {
      ObjectNode copy = p.deepCopy();
      for (String domain : List.of("collections", "data")) {
        if (copy.has(domain)) {
          String c = copy.path(domain).path("collection").asText();
          ((ObjectNode) copy.get(domain))
              .put(
                  "collection",
                  switch (c) {
                    case "Item" -> s.itemCollection;
                    case "Task" -> s.taskCollection;
                    default -> throw new IllegalStateException("README role names " + c);
                  });
        }
      }
      if (!drop.test(copy)) {
        permissions.add(copy);
      }
    }
    assertThat(role.path("permissions").size()).isEqualTo(12);
    return permissions;
  }

  private static boolean is(JsonNode permission, String action, String collection) {
    return permission.path("action").asText().equals(action)
        && collection.equals(
            permission.has("data")
                ? permission.path("data").path("collection").asText()
                : permission.path("collections").path("collection").asText());
  }

  /** A role with these permissions and a database user holding it; returns the user's API key. */
  private static String userWithRole(String name, ArrayNode permissions) throws Exception {
    asRoot("POST", "/v1/authz/roles", Map.of("name", name, "permissions", permissions));
    String key =
        ItSecrets.register(asRoot("POST", "/v1/users/db/" + name, null).path("apikey").asText());
    asRoot(
        "POST",
        "/v1/authz/users/" + name + "/assign",
        Map.of("roles", List.of(name), "userType", "db"));
    return key;
  }

  /** A scenario on this class's Weaviate; its key is set once its role exists. */
  private Scenario scenario(String name) throws Exception {
    return new Scenario(stack, name, 1)
        .set("weaviate.http.port", Integer.toString(ports[0]))
        .set("weaviate.grpc.port", Integer.toString(ports[1]));
  }

  private static void createCollection(String name) throws Exception {
    asRoot(
        "POST",
        "/v1/schema",
        MAPPER.readTree(
            "{\"class\":\""
                + name
                + "\",\"properties\":[{\"name\":\"title\",\"dataType\":[\"text\"]}],"
                + "\"vectorConfig\":{\"default\":{\"vectorizer\":{\"none\":{}},"
                + "\"vectorIndexType\":\"hnsw\"}}}"));
  }

  @Test
  void shouldWriteUpdateAndDeleteWithOnlyTheReadmesRoleAndStopWhenItsWritePermissionIsRevoked()
      throws Exception {
    String user = "sync-" + UUID.randomUUID().toString().substring(0, 8);
    try (var s = scenario("rbac")) {
      String key = userWithRole(user, readmeRole(s, p -> false));
      s.set("weaviate.api.key", key);
      var weaviate = root();
      String a = UUID.randomUUID().toString();
      String b = UUID.randomUUID().toString();
      String t = UUID.randomUUID().toString();
      s.send(s.itemTopic, a, Events.upsert(s.itemType, a, 1L, Map.of("title", "a v1")));
      s.send(s.itemTopic, b, Events.upsert(s.itemType, b, 1L, Map.of("title", "b v1")));
      s.send(s.taskTopic, t, Events.upsert(s.taskType, t, 1L, Map.of("title", "t v1")));
      s.flush();
      try (var worker = WorkerProcess.start(s.writeConfig())) {
        await("created collections and written with the role's key")
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    weaviate.objects(s.itemCollection).keySet().containsAll(List.of(a, b))
                        && weaviate.objects(s.taskCollection).containsKey(t));
        s.send(s.itemTopic, a, Events.upsert(s.itemType, a, 2L, Map.of("title", "a v2")));
        s.send(s.itemTopic, b, Events.delete(s.itemType, b, 2L));
        s.send(s.taskTopic, t, null); // a tombstone
        s.flush();
        await("updated and deleted with the role's key")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var items = weaviate.objects(s.itemCollection);
                  return items.keySet().equals(java.util.Set.of(a))
                      && items.get(a).path("title").asText().equals("a v2")
                      && weaviate.objects(s.taskCollection).isEmpty();
                });
        assertThat(s.dlqRecords()).isEmpty();
        assertThat(worker.isAlive()).isTrue();
        SyncWorkerIT.report(
            "rbac: with only the README's role (12 permissions) the worker created its 2"
                + " collections, wrote 3 objects, updated 1, deleted 2 (DELETE, tombstone); DLQ"
                + " empty");

        // Write permission taken away while it runs; it may still read (the probe passes).
        var revoked =
            MAPPER
                .createObjectNode()
                .set(
                    "permissions",
                    readmeRole(
                        s,
                        p ->
                            !is(p, "create_data", s.itemCollection)
                                && !is(p, "update_data", s.itemCollection)));
        asRoot("POST", "/v1/authz/roles/" + user + "/remove-permissions", revoked);
        String c = UUID.randomUUID().toString();
        s.send(s.itemTopic, c, Events.upsert(s.itemType, c, 1L, Map.of("title", "after")));
        s.flush();
        await("the worker stops by itself")
            .atMost(Duration.ofSeconds(90))
            .until(() -> !worker.isAlive());
        int exit = worker.terminate(5);
        String out = worker.output();
        assertThat(exit).as("exit code; log:%n%s", out).isEqualTo(1);
        assertThat(out)
            .contains("insufficient permissions to update_data")
            .contains("writing to collection " + s.itemCollection)
            .contains("Nothing was dead-lettered")
            .doesNotContain(key)
            .doesNotContain(rootKey);
        assertThat(s.dlqRecords()).isEmpty();
        assertThat(weaviate.objects(s.itemCollection)).doesNotContainKey(c);
        SyncWorkerIT.report(
            "rbac: create_data/update_data removed from the role while the worker ran: it"
                + " stopped with exit "
                + exit
                + " naming update_data, DLQ empty, no key in its output");
      }
    }
  }

  @Test
  void shouldFailAtStartUpNamingThePermissionWhenTheKeyMayReadButNotWrite() throws Exception {
    String user = "reader-" + UUID.randomUUID().toString().substring(0, 8);
    try (var s = scenario("rbacread")) {
      createCollection(s.itemCollection);
      createCollection(s.taskCollection);
      String key =
          userWithRole(
              user,
              readmeRole(
                  s,
                  p ->
                      !p.path("action").asText().equals("read_collections")
                          && !p.path("action").asText().equals("read_data")));
      s.set("weaviate.api.key", key);
      // Records already waiting: a worker that got as far as processing would dead-letter them.
      for (int i = 0; i < 20; i++) {
        String id = UUID.randomUUID().toString();
        s.send(s.itemTopic, id, Events.upsert(s.itemType, id, 1L, Map.of("title", "r" + i)));
      }
      s.flush();
      try (var worker = WorkerProcess.start(s.writeConfig())) {
        await("start-up fails").atMost(Duration.ofSeconds(90)).until(() -> !worker.isAlive());
        int exit = worker.terminate(5);
        String out = worker.output();
        assertThat(exit).as("exit code; log:%n%s", out).isEqualTo(1);
        var lines = out.lines().filter(l -> l.startsWith("start-up failed: ")).toList();
        assertThat(lines).as(out).hasSize(1);
        assertThat(lines.get(0))
            .contains("the key may not write to collection " + s.itemCollection)
            .contains("insufficient permissions to update_data")
            .contains("README, Weaviate permissions");
        assertThat(out).doesNotContain(key).doesNotContain(rootKey);
        assertThat(s.dlqRecords()).isEmpty();
        assertThat(root().objects(s.itemCollection)).isEmpty();
        SyncWorkerIT.report(
            "rbac: a key that may read but not write: exit "
                + exit
                + " at start-up with 20 records waiting, one line naming update_data and the"
                + " collection, DLQ empty");
      }
    }
  }

  /**
   * Each permission of the README's role is needed: without it (for the item collection; the
   * collections are missing and collections.create=true) the start-up fails and names it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "read_collections",
        "create_collections",
        "read_data",
        "create_data",
        "update_data",
        "delete_data"
      })
  void shouldFailAtStartUpWithoutAnyOneOfTheReadmesPermissions(String missing) throws Exception {
    String user =
        "sync-" + missing.replace("_", "-") + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (var s = scenario("rbacmissing")) {
      String key = userWithRole(user, readmeRole(s, p -> is(p, missing, s.itemCollection)));
      s.set("weaviate.api.key", key);
      Throwable refused = catchThrowable(() -> Worker.start(s.config()).close());
      assertThat(refused)
          .isInstanceOf(FatalSinkException.class)
          .hasMessageContaining("insufficient permissions to " + missing)
          .hasMessageContaining(s.itemCollection);
      assertThat(refused.getMessage()).doesNotContain(key);
      System.out.println("start-up without " + missing + ": " + refused.getMessage());
      assertThat(s.dlqRecords()).isEmpty();
      if (!missing.equals("read_collections") && !missing.equals("create_collections")) {
        assertThat(root().objects(s.itemCollection)).isEmpty();
      }
      SyncWorkerIT.report(
          "rbac: the README's role without " + missing + ": start-up refused, naming it");
    }
  }
}
