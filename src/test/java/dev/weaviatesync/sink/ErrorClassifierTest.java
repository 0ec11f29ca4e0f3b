package dev.weaviatesync.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.stats.SyncStats;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weaviate.client6.v1.api.WeaviateApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
  // As Weaviate v1.38 words them (usecases/modulecomponents/clients/openai/openai.go, getError).
  static final String OPENAI_429 =
      "connection to: OpenAI API failed with status: 429 request-id: req-1 error: "
          + "Rate limit reached for text-embedding-3-small";
  static final String OPENAI_503 =
      "connection to: OpenAI API failed with status: 503 error: The server is overloaded";
  static final String OPENAI_400 =
      "connection to: OpenAI API failed with status: 400 request-id: req-7 error: "
          + "Invalid input: unavailable tokens";

  @Test
  void shouldTreatARefusedApiKeyOverGrpcAsFatalWhateverItsStatusCode() {
    // What Weaviate 1.38.11 answered in PromiseIT after the key was revoked: UNKNOWN, not
    // UNAUTHENTICATED. Classified transient, it paused the worker forever instead of stopping it.
    var revoked =
        WeaviateApiException.gRPC(
            new StatusRuntimeException(
                Status.UNKNOWN.withDescription(
                    "extract auth: unauthorized: invalid api key: key not found")));
    assertThat(ErrorClassifier.classify(revoked)).isEqualTo(Failure.FATAL);
    assertThat(
            ErrorClassifier.classify(
                WeaviateApiException.gRPC(new StatusRuntimeException(Status.UNAVAILABLE))))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classify(
                WeaviateApiException.gRPC(
                    new StatusRuntimeException(
                        Status.INTERNAL.withDescription("panic while handling the batch")))))
        .isEqualTo(Failure.TRANSIENT);
  }

  // What Weaviate 1.38.11 answers, per object, to a gRPC batch upsert with a key that may read the
  // collection but not write to it (WeaviateRbacIT): the call itself succeeds.
  static final String FORBIDDEN_WRITE =
      "rbac: authorization, forbidden action: user 'reader' has insufficient permissions to "
          + "update_data [[Domain: data, Collection: Item, Tenant: *, Object: *]]";

  @Test
  void shouldTreatAnObjectRefusedForLackOfPermissionAsFatalNotAsRejected() {
    assertThat(ErrorClassifier.classifyObjectError(FORBIDDEN_WRITE)).isEqualTo(Failure.FATAL);
    assertThat(
            ErrorClassifier.classify(
                WeaviateApiException.gRPC(
                    new StatusRuntimeException(
                        Status.PERMISSION_DENIED.withDescription(
                            FORBIDDEN_WRITE.replace("update_data", "delete_data"))))))
        .isEqualTo(Failure.FATAL);
    assertThat(ErrorClassifier.classify(new FatalSinkException("refused", null)))
        .isEqualTo(Failure.FATAL);
    // A provider refusing Weaviate's key is the provider's answer about that object: REJECTED.
    assertThat(
            ErrorClassifier.classifyObjectError(
                "connection to: OpenAI API failed with status: 403 error: forbidden"))
        .isEqualTo(Failure.REJECTED);
  }

  @Test
  void shouldStopInsteadOfDeadLetteringABatchRefusedForLackOfPermission() {
    var calls = new ArrayList<Integer>();
    WeaviateSink sink =
        new WeaviateSink() {
          @Override
          public Map<String, String> upsert(String collection, List<UpsertObject> objects) {
            calls.add(objects.size());
            var errors = new HashMap<String, String>();
            objects.forEach(o -> errors.put(o.id(), FORBIDDEN_WRITE));
            return errors;
          }

          @Override
          public Map<String, String> delete(String collection, List<String> ids) {
            return Map.of();
          }

          @Override
          public boolean isReady() {
            return true;
          }
        };
    var objects = new ArrayList<UpsertObject>();
    for (String id : List.of("a", "b", "c", "d")) {
      objects.add(new UpsertObject(id, Map.of("title", id), null));
    }
    var writer = new BatchWriter(sink, SyncConfig.defaults(), new SyncStats());
    assertThatThrownBy(() -> writer.write("Item", objects, List.of("e")))
        .isInstanceOf(FatalSinkException.class)
        .hasMessageContaining("writing to collection Item")
        .hasMessageContaining("update_data");
    assertThat(calls).as("one call: no retry, no bisection").containsExactly(4);
  }

  @Test
  void shouldRetryAProviderRateLimitOrServerError() {
    assertThat(ErrorClassifier.classifyObjectError(OPENAI_429)).isEqualTo(Failure.TRANSIENT);
    assertThat(ErrorClassifier.classifyObjectError(OPENAI_503)).isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "connection to Cohere failed with status: 500 error: nope"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "failed to parse vectorization response (status 502): "
                    + "invalid character '<' looking for beginning of value"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "connection to: OpenAI API failed with status: 408"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "request rate limit exceeded and will not refresh in time"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "send POST request: Post \"http://127.0.0.1:1/v1/embeddings\": "
                    + "dial tcp 127.0.0.1:1: connect: connection refused"))
        .isEqualTo(Failure.TRANSIENT);
  }

  @Test
  void shouldDeadLetterAProviderRefusalEvenWhenItsTextSoundsTransient() {
    assertThat(ErrorClassifier.classifyObjectError(OPENAI_400)).isEqualTo(Failure.REJECTED);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "connection to: OpenAI API failed with status: 404 error: "
                    + "The model `nope` does not exist"))
        .isEqualTo(Failure.REJECTED);
    assertThat(ErrorClassifier.isProviderRefusal(OPENAI_400)).isTrue();
    assertThat(ErrorClassifier.isProviderRefusal(OPENAI_429)).isFalse();
    assertThat(ErrorClassifier.isProviderRefusal(OPENAI_503)).isFalse();
    assertThat(ErrorClassifier.isProviderRefusal("invalid text property 'price'")).isFalse();
    assertThat(ErrorClassifier.providerStatus(OPENAI_400)).isEqualTo(400);
    assertThat(ErrorClassifier.providerStatus("no api key found neither in request header"))
        .isEqualTo(-1);
  }

  @Test
  void shouldKeepTheServerStateRules() {
    assertThat(ErrorClassifier.classifyObjectError("not enough memory"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError(
                "panic occurred: runtime error: invalid memory address or nil pointer dereference"))
        .isEqualTo(Failure.TRANSIENT);
    assertThat(
            ErrorClassifier.classifyObjectError("invalid number property 'price' on class 'Item'"))
        .isEqualTo(Failure.REJECTED);
  }

  /**
   * Weaviate embeds several objects in one provider request and gives each that request's error.
   */
  @Test
  void shouldResendObjectsSharingAProviderRefusalInHalvesUntilOnlyTheOneAtFaultIsDeadLettered() {
    var calls = new ArrayList<List<String>>();
    WeaviateSink sink =
        new WeaviateSink() {
          int request;

          @Override
          public Map<String, String> upsert(String collection, List<UpsertObject> objects) {
            calls.add(objects.stream().map(UpsertObject::id).toList());
            String err =
                "connection to: OpenAI API failed with status: 400 request-id: r"
                    + (++request)
                    + " error: bad input";
            var errors = new HashMap<String, String>();
            if (objects.stream().anyMatch(o -> o.id().equals("bad"))) {
              objects.forEach(o -> errors.put(o.id(), err));
            }
            return errors;
          }

          @Override
          public Map<String, String> delete(String collection, List<String> ids) {
            return Map.of();
          }

          @Override
          public boolean isReady() {
            return true;
          }
        };
    var objects = new ArrayList<UpsertObject>();
    for (String id : List.of("a", "b", "c", "bad", "d", "e", "f")) {
      objects.add(new UpsertObject(id, Map.of("title", id), null));
    }
    var report =
        new BatchWriter(sink, SyncConfig.defaults(), new SyncStats())
            .write("Item", objects, List.of());
    assertThat(report.failed()).containsOnlyKeys("bad");
    assertThat(report.failed().get("bad").failure()).isEqualTo(Failure.REJECTED);
    assertThat(report.failed().get("bad").getMessage()).contains("failed with status: 400");
    assertThat(report.written()).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
    assertThat(report.providerSplits()).isPositive();
    assertThat(calls).contains(List.of("bad")).doesNotContain(List.of("a"), List.of("f"));
  }

  @Test
  void shouldDeadLetterARefusalThatNoOtherObjectSharesAtOnce() {
    var calls = new ArrayList<Integer>();
    WeaviateSink sink =
        new WeaviateSink() {
          @Override
          public Map<String, String> upsert(String collection, List<UpsertObject> objects) {
            calls.add(objects.size());
            return objects.stream().anyMatch(o -> o.id().equals("bad"))
                ? Map.of(
                    "bad", "connection to: OpenAI API failed with status: 400 error: bad input")
                : Map.of();
          }

          @Override
          public Map<String, String> delete(String collection, List<String> ids) {
            return Map.of();
          }

          @Override
          public boolean isReady() {
            return true;
          }
        };
    var objects =
        List.of(new UpsertObject("a", Map.of(), null), new UpsertObject("bad", Map.of(), null));
    var report =
        new BatchWriter(sink, SyncConfig.defaults(), new SyncStats())
            .write("Item", objects, List.of());
    assertThat(report.failed()).containsOnlyKeys("bad");
    assertThat(report.written()).containsExactly("a");
    assertThat(calls).containsExactly(2);
  }
}
