package dev.weaviatesync.sink;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.stats.SyncStats;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches through a {@link WeaviateSink} with one resilience4j retry policy: transient
 * errors are retried with capped exponential backoff and jitter, at most {@code retry.max.attempts}
 * times, so a flush never blocks a stream thread past {@code max.poll.interval.ms}
 * ({@link SyncConfig#worstCaseRetryBudget()} is checked at start-up).
 *
 * <p>Per-object results are checked one by one: rejected objects fail alone, the rest of the batch
 * is written. A batch-level transient error that outlasts the budget is reported as an outage, never
 * as a failure of its records.
 */
public final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final WeaviateSink sink;
  private final Retry retry;
  private final SyncStats stats;

  public BatchWriter(WeaviateSink sink, SyncConfig config, SyncStats stats) {
    this.sink = sink;
    this.stats = stats;
    RetryConfig rc = RetryConfig.<Attempt>custom()
        .maxAttempts(config.retryMaxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            config.retryInitialBackoff(), 2.0, config.retryJitter(), config.retryMaxBackoff()))
        .retryOnException(t -> ErrorClassifier.classify(t) == ErrorClass.TRANSIENT)
        .retryOnResult(a -> a.hasTransientFailures())
        .failAfterMaxAttempts(false)
        .build();
    this.retry = Retry.of("weaviate", rc);
    retry.getEventPublisher()
        .onError(e -> stats.countWeaviateError(status(e.getLastThrowable())))
        .onRetry(e -> {
          if (e.getLastThrowable() != null) {
            stats.countWeaviateError(status(e.getLastThrowable()));
          }
          stats.countRetry(e.getLastThrowable() == null ? "object" : ErrorClassifier.classify(e.getLastThrowable()).name());
          log.warn("Weaviate call failed (attempt {}), retrying in {} ms: {}", e.getNumberOfRetryAttempts(),
              e.getWaitInterval().toMillis(),
              e.getLastThrowable() == null ? "transient per-object errors" : e.getLastThrowable().toString());
        })
        .onSuccess(e -> log.info("Weaviate call succeeded after {} attempts", e.getNumberOfRetryAttempts() + 1));
  }

  /** The label of a failed call for metrics: gRPC status, HTTP status, or exception class. */
  static String status(Throwable t) {
    if (t instanceof io.weaviate.client6.v1.api.WeaviateApiException api) {
      return api.isGPRC() ? api.grpcStatusCode() : "HTTP_" + api.httpStatusCode();
    }
    return t == null ? "unknown" : t.getClass().getSimpleName();
  }

  /** Upserts and deletes one batch of distinct ids in {@code collection}. */
  public WriteReport write(String collection, List<UpsertObject> upserts, List<String> deletes) {
    var report = new WriteReport();
    if (!upserts.isEmpty()) {
      report.merge(run(upserts, UpsertObject::id, batch -> sink.upsert(collection, batch), collection));
    }
    if (!deletes.isEmpty() && report.outage() == null) {
      report.merge(run(deletes, id -> id, batch -> sink.delete(collection, batch), collection));
    }
    return report;
  }

  private <T> WriteReport run(List<T> items, Function<T, String> idOf, Function<List<T>, Map<String, String>> call,
      String collection) {
    var report = new WriteReport();
    var attempt = new Attempt<>(items, idOf, call, collection, report);
    try {
      Attempt<?> done = retry.executeSupplier(attempt::next);
      if (done.hasTransientFailures()) {
        if (!sink.isReady()) {
          // The objects failed because the server is going away (shutdown, lost node): an outage,
          // not a verdict on these records. Keep them for later.
          report.outage(new WeaviateRejectedException("Weaviate is not ready; last object error: "
              + done.lastErrors.values().stream().findFirst().orElse("?")));
        } else {
          // Budget spent on a live server with per-object transient errors left: dead-letter those.
          done.remainingToDlq();
        }
      }
    } catch (RuntimeException e) {
      switch (ErrorClassifier.classify(e)) {
        case TRANSIENT -> report.outage(e);
        case FATAL -> throw new FatalSinkException("Weaviate refused the worker's credentials or permissions: "
            + e.getMessage(), e);
        case SPLIT, PERMANENT -> {
          // Too large, or refused as a whole: bisect, so that one bad object cannot take its
          // whole batch to the dead-letter topic with it.
          if (attempt.remaining.size() <= 1) {
            attempt.failRemaining(Failure.PERMANENT, e);
          } else {
            log.info("Batch of {} refused by Weaviate ({}); splitting it", attempt.remaining.size(), e.toString());
            List<T> rest = List.copyOf(attempt.remaining);
            int half = rest.size() / 2;
            report.merge(run(rest.subList(0, half), idOf, call, collection));
            if (report.outage() == null) {
              report.merge(run(rest.subList(half, rest.size()), idOf, call, collection));
            }
          }
        }
      }
    }
    report.addRetries(Math.max(0, attempt.attempts - 1));
    return report;
  }

  /** The state of one retried call: each attempt sends only what is still to be written. */
  private static final class Attempt<T> {
    private final Function<T, String> idOf;
    private final Function<List<T>, Map<String, String>> call;
    private final String collection;
    private final WriteReport report;
    private List<T> remaining;
    private Map<String, String> lastErrors = Map.of();
    private int attempts;

    Attempt(List<T> items, Function<T, String> idOf, Function<List<T>, Map<String, String>> call, String collection,
        WriteReport report) {
      this.remaining = new ArrayList<>(items);
      this.idOf = idOf;
      this.call = call;
      this.collection = collection;
      this.report = report;
    }

    Attempt<T> next() {
      attempts++;
      Map<String, String> errors = call.apply(remaining);
      var stillTransient = new ArrayList<T>();
      for (T item : remaining) {
        String id = idOf.apply(item);
        String err = errors.get(id);
        if (err == null) {
          report.addWritten(id);
        } else if (ErrorClassifier.classifyObjectError(err) == ErrorClass.TRANSIENT) {
          stillTransient.add(item);
        } else {
          report.addFailed(id, new WriteReport.FailedWrite(Failure.REJECTED,
              new WeaviateRejectedException("Weaviate rejected object " + id + " in collection " + collection + ": " + err),
              attempts));
        }
      }
      remaining = stillTransient;
      lastErrors = errors;
      return this;
    }

    boolean hasTransientFailures() {
      return !remaining.isEmpty();
    }

    void remainingToDlq() {
      for (T item : remaining) {
        String id = idOf.apply(item);
        report.addFailed(id, new WriteReport.FailedWrite(Failure.TRANSIENT_EXHAUSTED,
            new WeaviateRejectedException("Weaviate kept failing object " + id + " in collection " + collection
                + " after " + attempts + " attempts: " + lastErrors.get(id)), attempts));
      }
      remaining = List.of();
    }

    void failRemaining(Failure category, RuntimeException e) {
      for (T item : remaining) {
        report.addFailed(idOf.apply(item), new WriteReport.FailedWrite(category,
            new WeaviateRejectedException("Weaviate rejected the batch for collection " + collection + ": "
                + e.getMessage(), e), attempts));
      }
      remaining = List.of();
    }
  }
}
