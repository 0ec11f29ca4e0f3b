package dev.weaviatesync.convergence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaviatesync.config.SyncConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads objects of a collection (or an alias) over Weaviate's REST API: a cursor in id order
 * ({@code GET /v1/objects?class=C&after=ID&limit=N&include=vector}) and single objects by id. One
 * HTTP client, reads only, paced by a {@link RateLimiter} so a verify does not hurt a live
 * Weaviate. The API key goes only into the Authorization header, never into a message.
 */
public final class WeaviateObjects implements ObjectSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final String auth;
  private final Duration timeout;
  private final RateLimiter limiter;

  public WeaviateObjects(SyncConfig config, RateLimiter limiter) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.base =
        config.weaviateScheme()
            + "://"
            + config.weaviateHost()
            + ":"
            + config.weaviateHttpPort()
            + "/v1";
    this.auth = config.weaviateApiKey().map(k -> "Bearer " + k).orElse(null);
    this.timeout = Duration.ofSeconds(config.weaviateTimeoutSeconds());
    this.limiter = limiter;
  }

  /**
   * Up to {@code limit} objects with ids above {@code after} (null: from the first), in id order.
   */
  @Override
  public List<Obj> page(String collection, String after, int limit) throws IOException {
    limiter.acquire(limit);
    String q =
        "/objects?class="
            + enc(collection)
            + "&limit="
            + limit
            + "&include=vector"
            + (after == null ? "" : "&after=" + enc(after));
    JsonNode body = check(send(q), "list objects of " + collection);
    var out = new ArrayList<Obj>();
    for (JsonNode o : body.path("objects")) {
      out.add(obj(o));
    }
    return out;
  }

  /** One object, or null when Weaviate has none with that id. */
  @Override
  public Obj get(String collection, String id) throws IOException {
    limiter.acquire(1);
    var r = send("/objects/" + enc(collection) + "/" + enc(id) + "?include=vector");
    if (r.statusCode() == 404) {
      return null;
    }
    return obj(check(r, "read object " + id + " of " + collection));
  }

  private static Obj obj(JsonNode o) {
    JsonNode vectors = o.get("vectors");
    if ((vectors == null || vectors.isNull() || vectors.isEmpty()) && o.has("vector")) {
      vectors = JSON.createObjectNode().set("default", o.get("vector"));
    }
    return new Obj(o.path("id").asText(), o.get("properties"), vectors);
  }

  private HttpResponse<String> send(String pathAndQuery) throws IOException {
    var b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout).GET();
    if (auth != null) {
      try {
        b.header("Authorization", auth);
      } catch (IllegalArgumentException e) {
        // Its message quotes the header value, key and all: never pass it on.
        throw new IOException(
            "weaviate.api.key holds a character an HTTP header cannot carry (a non-ASCII or"
                + " control character, e.g. pasted from a document); the key is not shown");
      }
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.net.ConnectException e) {
      throw new IOException("Weaviate at " + base + " does not answer (connection refused)", e);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException("Weaviate at " + base + " did not answer within " + timeout, e);
    } catch (IOException e) {
      throw new IOException(
          "Weaviate at " + base + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()),
          e);
    }
  }

  private static JsonNode check(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      String body = r.body() == null ? "" : r.body();
      throw new IOException(
          "Weaviate refused to "
              + what
              + ": HTTP "
              + r.statusCode()
              + " "
              + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
