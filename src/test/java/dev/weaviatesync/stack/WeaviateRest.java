package dev.weaviatesync.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Reads Weaviate over plain REST, independently of the client the worker uses. */
public final class WeaviateRest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String apiKey;

  WeaviateRest(int port) {
    this(port, null);
  }

  /** For a Weaviate with API-key authentication. */
  public WeaviateRest(int port, String apiKey) {
    this.base = "http://127.0.0.1:" + port;
    this.apiKey = apiKey;
  }

  private HttpRequest.Builder request(String url) {
    var b = HttpRequest.newBuilder(URI.create(url));
    return apiKey == null ? b : b.header("Authorization", "Bearer " + apiKey);
  }

  /**
   * Every object of {@code collection}: id → properties. Empty when the collection does not exist.
   */
  public Map<String, JsonNode> objects(String collection) {
    var out = new TreeMap<String, JsonNode>();
    if (!collectionExists(collection)) {
      return out;
    }
    String after = null;
    while (true) {
      String url =
          base
              + "/v1/objects?class="
              + collection
              + "&limit=500"
              + (after == null ? "" : "&after=" + after);
      JsonNode page = get(url);
      if (page == null) {
        return out;
      }
      JsonNode objs = page.path("objects");
      if (!objs.isArray() || objs.isEmpty()) {
        return out;
      }
      for (JsonNode o : objs) {
        out.put(o.path("id").asText(), o.path("properties"));
        after = o.path("id").asText();
      }
    }
  }

  /** One object with its vectors, or null. */
  public JsonNode object(String collection, String id) {
    return get(base + "/v1/objects/" + collection + "/" + id + "?include=vector");
  }

  public boolean collectionExists(String collection) {
    return get(base + "/v1/schema/" + collection) != null;
  }

  /** Sends a raw request; returns the status code. */
  public int send(String method, String path, String json) {
    try {
      var req =
          request(base + path)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json))
              .build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A raw answer: status and body. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON (status " + status + "): " + body, e);
      }
    }
  }

  /** Sends a raw request; returns the status and the body. */
  public Answer exchange(String method, String path, String json) {
    try {
      var req =
          request(base + path)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json))
              .build();
      var resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      return new Answer(resp.statusCode(), resp.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode get(String url) {
    try {
      var resp =
          HTTP.send(
              request(url).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() == 404) {
        return null;
      }
      if (resp.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + url + " -> " + resp.statusCode() + ": " + resp.body());
      }
      return MAPPER.readTree(resp.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
