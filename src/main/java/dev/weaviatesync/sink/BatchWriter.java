package dev.weaviatesync.sink;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.stats.SyncStats;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches through a {@link WeaviateSink} with one resilience4j retry policy: transient
 * errors are retried with capped exponential backoff and jitter, at most {@code retry.max.attempts}
 * times, and never past the flush's {@link Deadline}: no attempt starts that could end after it.
 *
 * <p>Per-object results are checked one by one: rejected objects fail alone, the rest of the batch
 * is written. A batch-level transient error that outlasts the budget is an outage when Weaviate is
 * not healthy (the records are kept; processing pauses). When Weaviate is healthy, the batch itself
 * is the suspect (a poison object that makes the server fail the whole request): it is bisected,
 * halves with one attempt each, until the objects that fail alone are isolated; each of those gets
 * the full budget once more and, failing still on a healthy server, is dead-lettered as {@code
 * TRANSIENT_EXHAUSTED}. So one record cannot stop a collection, and nothing is dead-lettered
 * because Weaviate was down.
 */
public final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final WeaviateSink sink;
  private final BooleanSupplier healthy;
  private final Duration callTimeout;
  private final Retry retry;
  private final Retry once;
  private final SyncStats stats;

  /** For tests: health is the sink's own readiness check, asked synchronously. */
  public BatchWriter(WeaviateSink sink, SyncConfig config, SyncStats stats) {
    this(sink, sink::isReady, config, stats);
  }

  /**
   * @param healthy whether Weaviate answers (REST and gRPC); asked after a batch failed for good,
   *     to tell an outage from a poison batch. Must not block ({@link SinkAvailability#healthy()}).
   */
  public BatchWriter(
      WeaviateSink sink, BooleanSupplier healthy, SyncConfig config, SyncStats stats) {
    this.sink = sink;
    this.healthy = healthy;
    this.stats = stats;
    this.callTimeout = Duration.ofSeconds(config.weaviateTimeoutSeconds());
    this.retry = Retry.of("weaviate", retryConfig(config, config.retryMaxAttempts()));
    this.once = Retry.of("weaviate-bisect", retryConfig(config, 1));
    listen(retry);
  }

  private static RetryConfig retryConfig(SyncConfig config, int attempts) {
    return RetryConfig.<Attempt<?>>custom()
        .maxAttempts(attempts)
        .intervalFunction(
            IntervalFunction.ofExponentialRandomBackoff(
                config.retryInitialBackoff(), 2.0, config.retryJitter(), config.retryMaxBackoff()))
        .retryOnException(
            t -> !(t instanceof DeadlineReachedException) && ErrorClassifier.classify(t).retried())
        .retryOnResult(a -> a.hasTransientFailures())
        .failAfterMaxAttempts(false)
        .build();
  }

  private void listen(Retry retry) {
    retry
        .getEventPublisher()
        .onError(e -> stats.countWeaviateError(status(e.getLastThrowable())))
        .onRetry(
            e -> {
              if (e.getLastThrowable() != null) {
                stats.countWeaviateError(status(e.getLastThrowable()));
              }
              if (e.getLastThrowable() == null) {
                stats.countObjectRetry();
              } else {
                stats.countRetry(ErrorClassifier.classify(e.getLastThrowable()));
              }
              log.warn(
                  "Weaviate call failed (attempt {}), retrying in {} ms: {}",
                  e.getNumberOfRetryAttempts(),
                  e.getWaitInterval().toMillis(),
                  e.getLastThrowable() == null
                      ? "transient per-object errors"
                      : e.getLastThrowable().toString());
            })
        .onSuccess(
            e ->
                log.info(
                    "Weaviate call succeeded after {} attempts", e.getNumberOfRetryAttempts() + 1));
  }

  /** The label of a failed call for metrics: gRPC status, HTTP status, or exception class. */
  static String status(Throwable t) {
    if (t instanceof FatalSinkException f) {
      // Without a cause: objects refused for lack of permission, what gRPC calls PERMISSION_DENIED.
      return f.getCause() == null ? "PERMISSION_DENIED" : status(f.getCause());
    }
    if (t instanceof io.weaviate.client6.v1.api.WeaviateApiException api) {
      return api.isGPRC() ? api.grpcStatusCode() : "HTTP_" + api.httpStatusCode();
    }
    return t == null ? "unknown" : t.getClass().getSimpleName();
  }

  /**
   * Upserts and deletes one batch of distinct ids in {@code collection}, with no time limit but the
   * retry budget.
   */
  public WriteReport write(String collection, List<UpsertObject> upserts, List<String> deletes) {
    return write(collection, upserts, deletes, new Deadline(Long.MAX_VALUE));
  }

  /**
   * Upserts and deletes one batch of distinct ids in {@code collection}. Ids the report names
   * neither written nor failed were not written: keep them pending. When the deadline came first,
   * {@link WriteReport#outOfTime()} says so; when Weaviate is down, {@link WriteReport#outage()}.
   */
  public WriteReport write(
      String collection, List<UpsertObject> upserts, List<String> deletes, Deadline deadline) {
    var report = new WriteReport();
    if (!upserts.isEmpty()) {
      report.merge(
          run(
              upserts,
              new Call<>(collection, UpsertObject::id, batch -> sink.upsert(collection, batch)),
              deadline,
              retry));
    }
    if (!deletes.isEmpty() && report.outage() == null && !report.outOfTime()) {
      report.merge(
          run(
              deletes,
              new Call<>(collection, id -> id, batch -> sink.delete(collection, batch)),
              deadline,
              retry));
    }
    return report;
  }

  /**
   * One kind of write to one collection: how an item names its id, and the call that sends a batch
   * of them and answers the errors by id.
   */
  private record Call<T>(
      String collection, Function<T, String> idOf, Function<List<T>, Map<String, String>> send) {}

  private <T> WriteReport run(List<T> items, Call<T> call, Deadline deadline, Retry policy) {
    var report = new WriteReport();
    var attempt = new Attempt<>(items, call, report);
    try {
      Attempt<?> done =
          policy.executeSupplier(
              () -> {
                if (!deadline.allows(callTimeout)) {
                  throw new DeadlineReachedException();
                }
                return attempt.next();
              });
      if (done.hasTransientFailures()) {
        if (!healthy.getAsBoolean()) {
          // The objects failed because the server is going away (shutdown, lost node): an outage,
          // not a verdict on these records. Keep them for later.
          report.outage(
              "Weaviate is not ready; last object error: "
                  + done.lastErrors.values().stream().findFirst().orElse("?"));
        } else {
          // Budget spent on a live server with per-object transient errors left: dead-letter those.
          done.remainingToDlq();
        }
      }
    } catch (DeadlineReachedException e) {
      // Out of time: what is not written yet stays pending for the next flush. If Weaviate does not
      // answer either (it hangs), that is an outage: pause instead of spending every flush waiting.
      if (healthy.getAsBoolean()) {
        report.markOutOfTime();
      } else {
        report.outage("Weaviate did not answer before the flush deadline");
      }
    } catch (FatalSinkException e) {
      throw e; // objects refused for lack of permission (Attempt.next): stop, dead-letter nothing
    } catch (RuntimeException e) {
      switch (ErrorClassifier.classify(e)) {
        case TRANSIENT -> {
          if (!healthy.getAsBoolean()) {
            report.outage(e.toString());
          } else if (attempt.remaining.size() > 1) {
            // Weaviate answers, yet keeps failing this request: suspect an object in it.
            log.warn(
                "Batch of {} kept failing on a healthy Weaviate ({}); bisecting it to find the object at fault",
                attempt.remaining.size(),
                e.toString());
            bisect(List.copyOf(attempt.remaining), call, deadline, report, once);
          } else if (policy == once) {
            // Isolated: it gets the full budget once more before it is judged.
            report.merge(run(List.copyOf(attempt.remaining), call, deadline, retry));
          } else {
            attempt.failRemaining(Failure.TRANSIENT_EXHAUSTED, e);
          }
        }
        case FATAL -> throw new FatalSinkException(e.getMessage(), e);
        default -> {
          // PERMANENT: too large, or refused as a whole. Bisect, so that one bad object cannot take
          // its whole batch to the dead-letter topic with it.
          if (attempt.remaining.size() <= 1) {
            attempt.failRemaining(Failure.PERMANENT, e);
          } else {
            log.info(
                "Batch of {} refused by Weaviate ({}); splitting it",
                attempt.remaining.size(),
                e.toString());
            bisect(List.copyOf(attempt.remaining), call, deadline, report, policy);
          }
        }
      }
    }
    report.addRetries(Math.max(0, attempt.attempts - 1));
    if (!attempt.suspects.isEmpty() && report.outage() == null && !report.outOfTime()) {
      // Resent in halves, each with the whole budget, until the refused object is alone in its
      // batch (and so in its provider request): only it is dead-lettered, the others are written.
      // Left pending when time or Weaviate runs out.
      log.info(
          "{} objects of collection {} share the vectorizer provider's refusal ({}); resending them in halves "
              + "to find the one at fault",
          attempt.suspects.size(),
          call.collection(),
          attempt.lastErrors.get(call.idOf().apply(attempt.suspects.get(0))));
      report.countProviderSplit();
      bisect(List.copyOf(attempt.suspects), call, deadline, report, retry);
    }
    return report;
  }

  private <T> void bisect(
      List<T> rest, Call<T> call, Deadline deadline, WriteReport report, Retry policy) {
    int half = rest.size() / 2;
    report.merge(run(rest.subList(0, half), call, deadline, policy));
    if (report.outage() == null && !report.outOfTime()) {
      report.merge(run(rest.subList(half, rest.size()), call, deadline, policy));
    }
  }

  /** No attempt may start that could end after the flush's deadline. */
  private static final class DeadlineReachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeadlineReachedException() {
      super("flush deadline reached", null, false, false);
    }
  }

  /** The state of one retried call: each attempt sends only what is still to be written. */
  private static final class Attempt<T> {
    private final Function<T, String> idOf;
    private final Call<T> call;
    private final String collection;
    private final WriteReport report;
    private List<T> remaining;

    /** Objects that shared a provider refusal with others: to be resent in halves. */
    private final List<T> suspects = new ArrayList<>();

    private Map<String, String> lastErrors = Map.of();
    private int attempts;

    Attempt(List<T> items, Call<T> call, WriteReport report) {
      this.remaining = new ArrayList<>(items);
      this.idOf = call.idOf();
      this.call = call;
      this.collection = call.collection();
      this.report = report;
    }

    Attempt<T> next() {
      attempts++;
      Map<String, String> errors = call.send().apply(remaining);
      for (String err : errors.values()) {
        if (ErrorClassifier.classifyObjectError(err) == Failure.FATAL) {
          // The key may not write to this collection: every object says so, none is at fault.
          throw new FatalSinkException("writing to collection " + collection + ": " + err, null);
        }
      }
      // A provider refusal (a vectorizer's 400) that several objects share came from one provider
      // request with all of them in it: it does not say which object is at fault.
      var refusals = new java.util.HashMap<String, Integer>();
      for (T item : errors.isEmpty() ? List.<T>of() : remaining) {
        String err = errors.get(idOf.apply(item));
        if (err != null && ErrorClassifier.isProviderRefusal(err)) {
          refusals.merge(err, 1, Integer::sum);
        }
      }
      var stillTransient = new ArrayList<T>();
      for (T item : remaining) {
        String id = idOf.apply(item);
        String err = errors.get(id);
        if (err == null) {
          report.addWritten(id);
        } else if (ErrorClassifier.classifyObjectError(err).retried()) {
          stillTransient.add(item);
        } else if (refusals.getOrDefault(err, 0) > 1) {
          suspects.add(item);
        } else {
          report.addFailed(
              id,
              new WeaviateRejectedException(
                  Failure.REJECTED,
                  attempts,
                  "Weaviate rejected object " + id + " in collection " + collection + ": " + err,
                  null));
        }
      }
      if (!stillTransient.isEmpty()) {
        log.warn(
            "{} of {} objects of collection {} failed transiently (attempt {}), e.g.: {}",
            stillTransient.size(),
            remaining.size(),
            collection,
            attempts,
            errors.get(idOf.apply(stillTransient.get(0))));
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
        report.addFailed(
            id,
            new WeaviateRejectedException(
                Failure.TRANSIENT_EXHAUSTED,
                attempts,
                "Weaviate kept failing object "
                    + id
                    + " in collection "
                    + collection
                    + " after "
                    + attempts
                    + " attempts: "
                    + lastErrors.get(id),
                null));
      }
      remaining = List.of();
    }

    void failRemaining(Failure failure, RuntimeException e) {
      for (T item : remaining) {
        report.addFailed(
            idOf.apply(item),
            new WeaviateRejectedException(
                failure,
                attempts,
                "Weaviate rejected the batch for collection " + collection + ": " + e.getMessage(),
                e));
      }
      remaining = List.of();
    }
  }
}
