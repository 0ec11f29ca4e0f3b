package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItOutput;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.worker.Worker;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10, reindex: a type whose collection setting names an alias is rebuilt into a collection
 * with an extra property and another vectorizer (text2vec-openai, its provider a stand-in on
 * 127.0.0.1) while events keep arriving; after the swap a query through the alias reaches the new
 * collection, verify against it finds nothing, and no event published meanwhile is missing.
 */
@ExtendWith(LocalStack.class)
class ReindexIT {
  private static final Path WEAVIATE = LocalStack.dir("weaviate-reindex");
  private static final LocalStack stack = LocalStack.get();
  private static VectorizerIT.EmbeddingsStandIn provider;
  private static int httpPort;
  private static int grpcPort;

  @BeforeAll
  static void start() throws Exception {
    provider = new VectorizerIT.EmbeddingsStandIn();
    int[] ports =
        LocalStack.startExtraWeaviate(
            WEAVIATE,
            Map.of(
                "WEAVIATE_MODULES",
                "text2vec-openai",
                "OPENAI_APIKEY",
                ItSecrets.register("sk-dummy-not-a-key"),
                "TIKTOKEN_CACHE_DIR",
                VectorizerIT.seedTokenizerCache().toString()));
    httpPort = ports[0];
    grpcPort = ports[1];
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
    }
    LocalStack.stopExtraWeaviate(WEAVIATE);
  }

  record Run(int code, String output) {}

  private static Run cli(Scenario s, List<String> extra, String... args) {
    var all = new ArrayList<>(List.of(args));
    all.addAll(s.cliArgs());
    all.addAll(extra);
    var out = new StringWriter();
    int code = ItOutput.cli(out, out, all.toArray(String[]::new));
    return new Run(code, out.toString());
  }

  @Test
  void shouldSwapReadersAndTheWorkerToTheRebuiltCollectionWithoutLosingAnEvent() throws Exception {
    try (var s = new Scenario(stack, "reindex", 2)) {
      String alias = "Reidx" + s.itemCollection;
      String v1 = alias + "_v1";
      String v2 = alias + "_v2";
      s.set("weaviate.http.port", Integer.toString(httpPort))
          .set("weaviate.grpc.port", Integer.toString(grpcPort))
          .set("type.ItemChanged.collection", alias);
      var rest = new dev.weaviatesync.stack.WeaviateRest(httpPort, null);
      assertThat(
              rest.send(
                  "POST",
                  "/v1/schema",
                  "{\"class\":\""
                      + v1
                      + "\",\"vectorConfig\":{\"default\":{\"vectorizer\":{\"none\":{}},"
                      + "\"vectorIndexType\":\"hnsw\"}},\"properties\":["
                      + "{\"name\":\"title\",\"dataType\":[\"text\"]},"
                      + "{\"name\":\"price\",\"dataType\":[\"number\"]},"
                      + "{\"name\":\"tags\",\"dataType\":[\"text[]\"]},"
                      + "{\"name\":\"stock\",\"dataType\":[\"int\"]}]}"))
          .isEqualTo(200);
      assertThat(
              rest.send(
                  "POST", "/v1/aliases", "{\"alias\":\"" + alias + "\",\"class\":\"" + v1 + "\"}"))
          .isEqualTo(200);
      var latest = new HashMap<String, Long>();
      var rnd = new Random(12);
      try (var worker = Worker.start(s.config())) {
        for (int i = 0; i < 3000; i++) {
          String id = UUID.randomUUID().toString();
          latest.put(id, 2L);
          for (long v : new long[] {2, 1}) {
            s.send(
                s.itemTopic,
                id,
                Events.upsert(s.itemType, id, v, Map.of("title", "item " + i + " v" + v)));
          }
        }
        s.flush();
        await("the worker filled the old collection through the alias")
            .atMost(Duration.ofMinutes(2))
            .until(() -> rest.objects(v1).size() == 3000);

        var stop = new AtomicBoolean();
        var duringIds = new ArrayList<String>();
        var keys = new ArrayList<>(latest.keySet());
        var producer =
            new Thread(
                () -> {
                  int n = 0;
                  while (!stop.get()) {
                    String id;
                    long v;
                    synchronized (latest) {
                      if (n++ % 2 == 0) {
                        id = UUID.randomUUID().toString();
                        duringIds.add(id);
                        v = 1;
                      } else {
                        id = keys.get(rnd.nextInt(keys.size()));
                        v = latest.get(id) + 1;
                      }
                      latest.put(id, v);
                    }
                    s.send(
                        s.itemTopic,
                        id,
                        Events.upsert(s.itemType, id, v, Map.of("title", "live " + id + " v" + v)));
                    try {
                      Thread.sleep(10);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
        producer.start();
        Run reindex;
        try {
          reindex =
              cli(
                  s,
                  List.of(
                      "--set",
                      "type.ItemChanged.properties=title:text,price:number,tags:text[],stock:int,color:text",
                      "--set",
                      "type.ItemChanged.vectorizer=text2vec-openai",
                      "--set",
                      "type.ItemChanged.vectorizer.base.url=" + provider.baseUrl(),
                      "--set",
                      "type.ItemChanged.vectorizer.model=text-embedding-3-small"),
                  "reindex",
                  "--type",
                  "ItemChanged",
                  "--into",
                  v2,
                  "--swap-alias");
          Thread.sleep(2000); // events keep arriving after the swap too
        } finally {
          stop.set(true);
          producer.join();
          s.flush();
        }
        assertThat(reindex.code()).as(reindex.output()).isZero();
        assertThat(reindex.output()).contains("alias " + alias + " now points at " + v2);
        assertThat(duringIds).hasSizeGreaterThan(100);

        // A query through the alias reaches the new collection.
        JsonNode page =
            rest.exchange("GET", "/v1/objects?class=" + alias + "&limit=1", null).json();
        assertThat(page.path("objects").get(0).path("class").asText()).isEqualTo(v2);
        JsonNode schema = rest.exchange("GET", "/v1/schema/" + v2, null).json();
        assertThat(schema.toString()).contains("\"color\"", "text2vec-openai");

        await("every event, also those published during the reindex, is in the new collection")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () -> {
                  Map<String, JsonNode> objs = rest.objects(v2);
                  synchronized (latest) {
                    return objs.size() == latest.size()
                        && latest.entrySet().stream()
                            .allMatch(
                                e ->
                                    objs.containsKey(e.getKey())
                                        && objs.get(e.getKey())
                                            .path("title")
                                            .asText()
                                            .endsWith(" v" + e.getValue()));
                  }
                });
        String some = duringIds.get(duringIds.size() / 2);
        assertThat(rest.object(v2, some).path("vectors").path("default").size())
            .as("embedded by the new collection's vectorizer")
            .isEqualTo(VectorizerIT.EmbeddingsStandIn.DIMENSIONS);
        var verify = cli(s, List.of(), "verify", "--type", "ItemChanged", "--rate", "0");
        assertThat(verify.code()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("(collection " + alias + ")", "in sync");
        assertThat(worker.stats().dlqTotal()).isZero();
        SyncWorkerIT.report(
            String.format(
                "reindex: 3000 ids in %s behind alias %s, %d new ids and as many updates published"
                    + " during the reindex (%s); after the swap the alias answers from %s (extra"
                    + " property, text2vec-openai), all %d ids at their latest version, verify: %s",
                v1,
                alias,
                duringIds.size(),
                String.join(
                    "; ",
                    reindex
                        .output()
                        .lines()
                        .filter(
                            l ->
                                l.startsWith("copied")
                                    || l.startsWith("after the swap")
                                    || l.contains("applied,"))
                        .toList()),
                v2,
                latest.size(),
                ConvergenceIT.lastLine(verify.output(), "checked")));
      }
    }
  }
}
