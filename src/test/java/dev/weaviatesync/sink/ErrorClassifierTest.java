package dev.weaviatesync.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weaviate.client6.v1.api.WeaviateApiException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

  @Test
  void shouldTreatARefusedApiKeyOverGrpcAsFatalWhateverItsStatusCode() {
    // What Weaviate 1.38.11 answered in PromiseIT after the key was revoked: UNKNOWN, not
    // UNAUTHENTICATED. Classified transient, it paused the worker forever instead of stopping it.
    var revoked = WeaviateApiException.gRPC(new StatusRuntimeException(
        Status.UNKNOWN.withDescription("extract auth: unauthorized: invalid api key: key not found")));
    assertThat(ErrorClassifier.classify(revoked)).isEqualTo(ErrorClass.FATAL);
    assertThat(ErrorClassifier.classify(WeaviateApiException.gRPC(new StatusRuntimeException(Status.UNAVAILABLE))))
        .isEqualTo(ErrorClass.TRANSIENT);
    assertThat(ErrorClassifier.classify(WeaviateApiException.gRPC(new StatusRuntimeException(
        Status.INTERNAL.withDescription("panic while handling the batch"))))).isEqualTo(ErrorClass.TRANSIENT);
  }
}
