package dev.weaviatesync.sink;

import io.weaviate.client6.v1.api.WeaviateApiException;
import io.weaviate.client6.v1.api.WeaviateConnectException;
import io.weaviate.client6.v1.api.WeaviateTransportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Says which {@link Failure} an error from Weaviate is (README, "Delivery guarantees and the retry
 * policy"): UNAVAILABLE, DEADLINE_EXCEEDED, 5xx, "not enough memory" and connection errors are
 * {@code TRANSIENT}; 400, 422 and an oversized request fail a batch as {@code PERMANENT} (the
 * writer splits it to find the objects at fault); per-object validation errors are {@code
 * REJECTED}; 401/403, and an authorization refusal in a call's or an object's error, are {@code
 * FATAL}.
 */
public final class ErrorClassifier {
  private static final Set<String> TRANSIENT_GRPC =
      Set.of(
          "UNAVAILABLE",
          "DEADLINE_EXCEEDED",
          "ABORTED",
          "INTERNAL",
          "UNKNOWN",
          "CANCELLED",
          "RESOURCE_EXHAUSTED");
  private static final Set<String> FATAL_GRPC = Set.of("UNAUTHENTICATED", "PERMISSION_DENIED");
  private static final Set<Integer> TRANSIENT_HTTP = Set.of(429, 500, 502, 503, 504);

  private ErrorClassifier() {}

  /** A whole call's failure: {@code TRANSIENT}, {@code PERMANENT} or {@code FATAL}. */
  public static Failure classify(Throwable t) {
    if (t instanceof FatalSinkException) {
      return Failure.FATAL;
    }
    if (t instanceof WeaviateApiException api) {
      String msg = String.valueOf(api.getError()).toLowerCase(Locale.ROOT);
      if (api.isGPRC()) {
        String code = api.grpcStatusCode();
        if ("RESOURCE_EXHAUSTED".equals(code)
            && (msg.contains("larger than max")
                || msg.contains("message too large")
                || msg.contains("exceeds"))) {
          return Failure.PERMANENT; // too large: not a quota, retrying cannot fix it
        }
        // Weaviate 1.38 answers a refused API key over gRPC with UNKNOWN "extract auth:
        // unauthorized: ...".
        if (FATAL_GRPC.contains(code)
            || msg.contains("unauthorized")
            || msg.contains("forbidden")) {
          return Failure.FATAL;
        }
        return TRANSIENT_GRPC.contains(code) ? Failure.TRANSIENT : Failure.PERMANENT;
      }
      Integer status = api.httpStatusCode();
      if (status != null && (status == 401 || status == 403)) {
        return Failure.FATAL;
      }
      return status != null && TRANSIENT_HTTP.contains(status)
          ? Failure.TRANSIENT
          : Failure.PERMANENT;
    }
    if (t instanceof WeaviateConnectException
        || t instanceof WeaviateTransportException
        || t instanceof IOException
        || t instanceof UncheckedIOException
        || t instanceof io.grpc.StatusRuntimeException) {
      return Failure.TRANSIENT;
    }
    if (t.getCause() != null && t.getCause() != t) {
      return classify(t.getCause());
    }
    return Failure.PERMANENT;
  }

  /**
   * True when {@code message} is Weaviate refusing the caller a permission (RBAC, or the admin
   * list): {@code "rbac: authorization, forbidden action: user 'sync' has insufficient permissions
   * to update_data [[Domain: data, Collection: Item, Tenant: *, Object: *]]"}. Weaviate 1.38 says
   * so as a call's error (gRPC PERMISSION_DENIED, HTTP 403) and, for a gRPC batch upsert, as the
   * error of every object of the collection (the call itself succeeds). The message names the user,
   * never the key.
   */
  public static boolean isPermissionRefusal(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    return m.contains("forbidden action") || m.contains("has insufficient permissions");
  }

  /**
   * The HTTP status a vectorizer module reports from its provider, as Weaviate words it: {@code
   * "connection to: OpenAI API failed with status: 429 request-id: ... error: ..."}
   * (text2vec-openai and most modules), {@code "connection to Cohere failed with status: 500 ..."},
   * {@code "failed to parse vectorization response (status 502): ..."} (a body that is not the
   * provider's JSON, e.g. a proxy's error page), {@code "fail with status 503"}. -1 when the
   * message is not a provider's answer.
   */
  public static int providerStatus(String message) {
    var m = PROVIDER_STATUS.matcher(String.valueOf(message));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static final Pattern PROVIDER_STATUS =
      Pattern.compile("(?:failed with status:? |fail with status |response \\(status )(\\d{3})\\b");

  /**
   * True for a provider's 4xx other than 408/429: the provider refused the input. Weaviate sends
   * many objects in one provider request and gives each the request's error, so such an error
   * shared by several objects does not say which one is at fault ({@link BatchWriter} resends them
   * in halves until each is alone).
   */
  public static boolean isProviderRefusal(String message) {
    int status = providerStatus(message);
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }

  /**
   * Per-object errors from a batch response: mostly validation ({@code REJECTED}); a few are about
   * the server's state ({@code TRANSIENT}). Errors of a vectorizer's provider are judged by the
   * provider's status: 408, 429 and 5xx are transient (rate limit, overload; retried with backoff),
   * other 4xx rejected. An authorization refusal ({@link #isPermissionRefusal}) is {@code FATAL}:
   * the worker's key may not write to the collection, which no record is at fault for;
   * dead-lettered as {@code REJECTED}, it would send every record of the collection to the
   * dead-letter topic.
   */
  public static Failure classifyObjectError(String message) {
    if (isPermissionRefusal(message)) {
      return Failure.FATAL;
    }
    int provider = providerStatus(message);
    if (provider >= 500 || provider == 429 || provider == 408) {
      return Failure.TRANSIENT;
    }
    if (provider >= 400) {
      return Failure.REJECTED;
    }
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    if (m.contains("request rate limit exceeded")
        || m.contains("vectorization aborted after an internal error")
        || m.contains("panic occurred")) {
      // The module's own rate limiter gave up before the provider was asked, or Weaviate recovered
      // from a panic (e.g. text2vec-openai without its tokenizer vocabulary): not the object's
      // fault.
      // Retried; if it persists on a healthy server, dead-lettered as TRANSIENT_EXHAUSTED, not
      // REJECTED.
      return Failure.TRANSIENT;
    }
    if (m.contains("not enough memory")
        || m.contains("context deadline exceeded")
        || m.contains("context canceled")
        || m.contains("unavailable")
        || m.contains("connection refused")
        || m.contains("timeout")
        || m.contains("resolve node name")
        || m.contains("no read replica")
        || m.contains("not ready")
        || m.contains("shutting down")
        || m.contains("leader")
        || m.contains("shard") && m.contains("read-only")) {
      return Failure.TRANSIENT;
    }
    return Failure.REJECTED;
  }
}
