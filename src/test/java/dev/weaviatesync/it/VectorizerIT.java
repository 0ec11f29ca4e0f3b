package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.stack.WeaviateRest;
import dev.weaviatesync.worker.Worker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 9, vectorizer in the loop: a Weaviate with text2vec-openai whose provider is a stand-in on
 * 127.0.0.1 that this test controls. No real embedding provider is contacted.
 */
@ExtendWith(LocalStack.class)
class VectorizerIT {
  private static final java.nio.file.Path WEAVIATE = LocalStack.dir("weaviate-vectorizer");
  private static final String MARKER = "poison-400";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final LocalStack stack = LocalStack.get();
  private static EmbeddingsStandIn provider;
  private static int httpPort;
  private static int grpcPort;

  @BeforeAll
  static void startProviderAndWeaviate() throws Exception {
    provider = new EmbeddingsStandIn();
    int[] ports =
        LocalStack.startExtraWeaviate(
            WEAVIATE,
            Map.of(
                "WEAVIATE_MODULES",
                "text2vec-openai",
                // The module refuses to call without a key; the stand-in ignores it.
                "OPENAI_APIKEY",
                ItSecrets.register("sk-dummy-not-a-key"),
                "TIKTOKEN_CACHE_DIR",
                seedTokenizerCache().toString()));
    httpPort = ports[0];
    grpcPort = ports[1];
  }

  /**
   * text2vec-openai counts tokens with tiktoken, which downloads its vocabulary
   * (openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken) on the first batch and
   * caches it under TIKTOKEN_CACHE_DIR by the SHA-1 of that URL. Offline the download fails, the
   * encoder is nil, and every object of every batch fails with "panic occurred: runtime error:
   * invalid memory address or nil pointer dereference" until Weaviate restarts. The test has no
   * network, so it seeds the cache with a byte-level vocabulary (each of the 256 bytes a token):
   * token counts come out as byte counts, which is all Weaviate uses them for (batch sizing).
   */
  static java.nio.file.Path seedTokenizerCache() throws Exception {
    java.nio.file.Path dir = LocalStack.dir("tiktoken-cache");
    java.nio.file.Files.createDirectories(dir);
    String url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken";
    byte[] sha1 =
        java.security.MessageDigest.getInstance("SHA-1")
            .digest(url.getBytes(StandardCharsets.UTF_8));
    var sb = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      sb.append(java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) b}))
          .append(' ')
          .append(b)
          .append('\n');
    }
    java.nio.file.Files.writeString(
        dir.resolve(java.util.HexFormat.of().formatHex(sha1)), sb.toString());
    return dir;
  }

  private static String readLog() {
    try {
      return java.nio.file.Files.readString(WEAVIATE.resolve("weaviate.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
    }
    LocalStack.stopExtraWeaviate(WEAVIATE);
  }

  private Scenario scenario(String name) throws Exception {
    var s = new Scenario(stack, name, 1);
    s.set("weaviate.http.port", Integer.toString(httpPort))
        .set("weaviate.grpc.port", Integer.toString(grpcPort))
        .set("type.ItemChanged.vectorizer", "text2vec-openai")
        .set("type.ItemChanged.vectorizer.base.url", provider.baseUrl())
        .set("type.ItemChanged.vectorizer.model", "text-embedding-3-small")
        .set("flush.interval.ms", "1000")
        .set("retry.max.attempts", "10")
        .set("retry.initial.backoff.ms", "200")
        .set("retry.max.backoff.ms", "1000");
    return s;
  }

  private static List<String> send(Scenario s, int n, String title) {
    var ids = new ArrayList<String>();
    for (int i = 0; i < n; i++) {
      String id = UUID.randomUUID().toString();
      s.send(
          s.itemTopic,
          id,
          Events.upsert(s.itemType, id, 1L, Map.of("title", title + " " + i, "price", i)));
      ids.add(id);
    }
    s.flush();
    return ids;
  }

  private static float[] vector(WeaviateRest w, String collection, String id) {
    JsonNode o = w.object(collection, id);
    JsonNode v = o == null ? null : o.path("vectors").path("default");
    if (v == null || !v.isArray() || v.isEmpty()) {
      return null;
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  @Test
  void shouldEmbedOnInsertRetryProviderOutagesAndDeadLetterOnlyTheRefusedObject() throws Exception {
    var w = new WeaviateRest(httpPort, null);
    try (var s = scenario("vectorizer");
        var worker = Worker.start(s.config())) {
      assertThat(w.collectionExists(s.itemCollection)).isTrue();

      // (a) Objects get their vectors from the stand-in.
      List<String> first = send(s, 5, "lamp");
      await("first objects written")
          .atMost(Duration.ofSeconds(60))
          .until(() -> w.objects(s.itemCollection).keySet().containsAll(first));
      for (String id : first) {
        float[] v = vector(w, s.itemCollection, id);
        assertThat(v).as("vector of " + id).isNotNull().hasSize(EmbeddingsStandIn.DIMENSIONS);
        String text = provider.textOf(v);
        assertThat(text)
            .as("the stand-in embedded this object's text")
            .isNotNull()
            .contains("lamp");
      }
      int requestsA = provider.requests.get();

      // (b) A burst of 429s, then 503s, shorter than the retry budget: all written, nothing
      // dead-lettered.
      long retriesBefore = worker.stats().retriesTotal();
      provider.failNext(3, 429);
      provider.failNext(3, 503);
      List<String> second = send(s, 20, "chair");
      await("second batch written after the provider recovered")
          .atMost(Duration.ofSeconds(90))
          .until(() -> w.objects(s.itemCollection).keySet().containsAll(second));
      for (String id : second) {
        assertThat(vector(w, s.itemCollection, id)).as("vector of " + id).isNotNull();
      }
      assertThat(provider.failed.get()).isEqualTo(6);
      long retriesB = worker.stats().retriesTotal() - retriesBefore;
      assertThat(retriesB).isPositive();
      assertThat(s.dlqRecords()).isEmpty();

      // (c) One event's text makes the provider answer 400: that object alone is dead-lettered.
      int batchedRefusalsBefore = provider.refusedWithOthers.get();
      var third = new ArrayList<>(send(s, 4, "table"));
      String bad = UUID.randomUUID().toString();
      s.send(
          s.itemTopic, bad, Events.upsert(s.itemType, bad, 1L, Map.of("title", "desk " + MARKER)));
      third.addAll(send(s, 4, "stool"));
      await("the refused object is dead-lettered")
          .atMost(Duration.ofSeconds(90))
          .until(() -> s.dlqRecords().size() == 1);
      await("the others of its batch are written")
          .atMost(Duration.ofSeconds(60))
          .until(() -> w.objects(s.itemCollection).keySet().containsAll(third));
      var dlq = s.dlqRecords();
      assertThat(dlq).hasSize(1);
      assertThat(new String(dlq.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(bad);
      assertThat(DlqHeaders.text(dlq.get(0).headers(), DlqHeaders.CATEGORY)).isEqualTo("REJECTED");
      String message = DlqHeaders.text(dlq.get(0).headers(), DlqHeaders.MESSAGE);
      assertThat(message).contains("failed with status: 400");
      assertThat(w.object(s.itemCollection, bad)).isNull();
      Thread.sleep(2000);
      assertThat(s.dlqRecords()).hasSize(1);
      assertThat(worker.failure()).isNull();

      SyncWorkerIT.report(
          "vectorizer: (a) "
              + first.size()
              + " objects embedded by the stand-in ("
              + requestsA
              + " provider requests); (b) 3x429 + 3x503: "
              + second.size()
              + " written, DLQ 0, retries "
              + retriesB
              + " ("
              + worker.stats().retriesByCause()
              + "); (c) 400 on 1 of "
              + (third.size() + 1)
              + ": DLQ 1 REJECTED, "
              + third.size()
              + " written; provider 400s on requests with other inputs: "
              + (provider.refusedWithOthers.get() - batchedRefusalsBefore)
              + "; provider request sizes "
              + provider.sizes
              + "; DLQ message: "
              + message);
    } catch (AssertionError | RuntimeException e) {
      String log = readLog();
      System.err.println(
          "provider request sizes: "
              + provider.sizes
              + "\nlast Weaviate log lines:\n"
              + log.substring(Math.max(0, log.length() - 4000)));
      throw e;
    }
  }

  /**
   * An OpenAI embeddings endpoint on 127.0.0.1: deterministic 8-dimensional embeddings, rate-limit
   * headers like OpenAI's (so Weaviate batches several objects per request), the next N requests
   * failed on demand, and 400 for a request whose input contains the marker: like OpenAI, the whole
   * request fails.
   */
  static final class EmbeddingsStandIn implements AutoCloseable {
    static final int DIMENSIONS = 8;
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger refusedWithOthers = new AtomicInteger();
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> embedded = new java.util.concurrent.ConcurrentHashMap<>();

    EmbeddingsStandIn() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/v1/embeddings", this::handle);
      server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
      server.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code n} requests are answered with {@code status}. */
    void failNext(int n, int status) {
      for (int i = 0; i < n; i++) {
        failures.add(status);
      }
    }

    String textOf(float[] vector) {
      return embedded.get(key(vector));
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        int n = requests.incrementAndGet();
        if (!"POST".equals(ex.getRequestMethod())) {
          respond(ex, 405, error("method not allowed", "invalid_request_error"), n);
          return;
        }
        JsonNode req = MAPPER.readTree(ex.getRequestBody());
        List<String> input = new ArrayList<>();
        req.path("input").forEach(t -> input.add(t.asText()));
        sizes.add(input.size());
        Integer status = null;
        synchronized (failures) {
          if (!failures.isEmpty()) {
            status = failures.remove(0);
          }
        }
        if (status != null) {
          failed.incrementAndGet();
          respond(
              ex,
              status,
              status == 429
                  ? error("Rate limit reached for text-embedding-3-small (stand-in)", "requests")
                  : error("The server is currently overloaded (stand-in)", "server_error"),
              n);
          return;
        }
        if (input.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains(MARKER))) {
          if (input.size() > 1) {
            refusedWithOthers.incrementAndGet();
          }
          respond(
              ex,
              400,
              error(
                  "Invalid input: '" + MARKER + "' is not allowed (stand-in)",
                  "invalid_request_error"),
              n);
          return;
        }
        ObjectNode body =
            MAPPER
                .createObjectNode()
                .put("object", "list")
                .put("model", req.path("model").asText());
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < input.size(); i++) {
          float[] v = embed(input.get(i));
          embedded.put(key(v), input.get(i));
          ArrayNode e =
              data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
          for (float f : v) {
            e.add(f);
          }
        }
        body.putObject("usage")
            .put("prompt_tokens", input.size() * 5)
            .put("total_tokens", input.size() * 5);
        ex.getResponseHeaders().add("x-ratelimit-limit-requests", "10000");
        ex.getResponseHeaders().add("x-ratelimit-remaining-requests", "9999");
        ex.getResponseHeaders().add("x-ratelimit-reset-requests", "6ms");
        ex.getResponseHeaders().add("x-ratelimit-limit-tokens", "10000000");
        ex.getResponseHeaders().add("x-ratelimit-remaining-tokens", "9999000");
        ex.getResponseHeaders().add("x-ratelimit-reset-tokens", "6ms");
        respond(ex, 200, body, n);
      }
    }

    private static ObjectNode error(String message, String type) {
      ObjectNode n = MAPPER.createObjectNode();
      n.putObject("error")
          .put("message", message)
          .put("type", type)
          .putNull("param")
          .putNull("code");
      return n;
    }

    private static void respond(HttpExchange ex, int status, JsonNode body, int requestNo)
        throws IOException {
      byte[] bytes = MAPPER.writeValueAsBytes(body);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.getResponseHeaders().add("x-request-id", "req-" + requestNo);
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    }

    /** Deterministic: the text's hash spread over 8 components, normalised. */
    static float[] embed(String text) {
      float[] v = new float[DIMENSIONS];
      int h = text.hashCode();
      double norm = 0;
      for (int i = 0; i < DIMENSIONS; i++) {
        h = h * 31 + i * 7919 + 17;
        v[i] = ((h >>> 8) % 1000) / 1000f + 0.001f;
        norm += v[i] * v[i];
      }
      for (int i = 0; i < DIMENSIONS; i++) {
        v[i] = (float) (v[i] / Math.sqrt(norm));
      }
      return v;
    }

    private static String key(float[] v) {
      var sb = new StringBuilder();
      for (float f : v) {
        sb.append(String.format(Locale.ROOT, "%.4f,", f));
      }
      return sb.toString();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
