package dev.weaviatesync.sink;

import dev.weaviatesync.config.SyncConfig;
import io.weaviate.client6.v1.api.Authentication;
import io.weaviate.client6.v1.api.WeaviateClient;
import io.weaviate.client6.v1.api.collections.CollectionHandle;
import io.weaviate.client6.v1.api.collections.Vectors;
import io.weaviate.client6.v1.api.collections.WeaviateObject;
import io.weaviate.client6.v1.api.collections.data.DeleteManyRequest;
import io.weaviate.client6.v1.api.collections.query.Filter;
import io.weaviate.client6.v1.api.collections.query.FilterOperand;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WeaviateSink} over one shared {@code io.weaviate:client6} client: gRPC {@code
 * BatchObjects} (an upsert by id) and {@code BatchDelete}. The client is owned by the caller,
 * created once per process and closed after Kafka Streams.
 */
public final class WeaviateClientSink implements WeaviateSink {
  private static final Logger log = LoggerFactory.getLogger(WeaviateClientSink.class);

  /** A well-formed id no object has: a gRPC read of it answers "not found" fast. */
  private static final String PROBE_ID = "00000000-0000-4000-8000-000000000000";

  private final WeaviateClient client;
  private final String probeCollection;
  private final Map<String, CollectionHandle<Map<String, Object>>> handles =
      new ConcurrentHashMap<>();

  /**
   * @param probeCollection a collection the readiness probe reads over gRPC (the path writes take),
   *     or null to probe REST only
   */
  public WeaviateClientSink(WeaviateClient client, String probeCollection) {
    this.client = client;
    this.probeCollection = probeCollection;
  }

  /**
   * Connects to Weaviate as configured. Fails fast (the client checks liveness and version in its
   * constructor); the API key goes only into the client's authentication, never into a message.
   */
  public static WeaviateClient connect(SyncConfig config) {
    return WeaviateClient.connectToCustom(
        c -> {
          c.scheme(config.weaviateScheme())
              .httpHost(config.weaviateHost())
              .httpPort(config.weaviateHttpPort())
              .grpcHost(config.weaviateHost())
              .grpcPort(config.weaviateGrpcPort())
              .timeout(config.weaviateTimeoutSeconds());
          config.weaviateApiKey().ifPresent(key -> c.authentication(Authentication.apiKey(key)));
          return c;
        });
  }

  private CollectionHandle<Map<String, Object>> handle(String collection) {
    return handles.computeIfAbsent(collection, client.collections::use);
  }

  @Override
  public Map<String, String> upsert(String collection, List<UpsertObject> objects) {
    List<WeaviateObject<Map<String, Object>>> batch =
        objects.stream()
            .map(
                o ->
                    WeaviateObject.<Map<String, Object>>of(
                        b -> {
                          b.uuid(o.id()).properties(o.properties());
                          if (o.vector() != null) {
                            b.vectors(Vectors.of(o.vector()));
                          }
                          return b;
                        }))
            .toList();
    var response = handle(collection).data.insertMany(batch);
    var errors = new HashMap<String, String>();
    for (var r : response.responses()) {
      if (!r.successful()) {
        errors.put(r.uuid(), r.error());
      }
    }
    return errors;
  }

  @Override
  public Map<String, String> delete(String collection, List<String> ids) {
    // Verbose, so a partial failure says which ids failed; missing ids simply match nothing.
    var filter = Filter.or(ids.stream().map(id -> (FilterOperand) Filter.uuid().eq(id)).toList());
    var response =
        handle(collection).data.deleteMany(DeleteManyRequest.of(filter, b -> b.verbose(true)));
    var errors = new LinkedHashMap<String, String>();
    if (response.objects() != null) {
      for (var o : response.objects()) {
        if (!o.successful()) {
          errors.put(o.uuid(), o.error());
        }
      }
    }
    return errors;
  }

  /**
   * REST readiness, then a gRPC read: writes go over gRPC, and a gRPC port that is down while REST
   * answers is an outage, not a reason to dead-letter anything.
   *
   * @throws FatalSinkException when Weaviate refuses the worker's credentials (a key revoked while
   *     it runs): waiting for that to pass would pause the worker forever
   */
  @Override
  public boolean isReady() {
    try {
      if (!client.isReady()) {
        return false;
      }
      if (probeCollection != null) {
        handle(probeCollection).query.fetchObjectById(PROBE_ID);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      if (ErrorClassifier.classify(e) == Failure.FATAL) {
        throw new FatalSinkException(refusal(e), e);
      }
      log.debug("Weaviate readiness check failed: {}", e.toString());
      return false;
    }
  }

  /** Not a UUID: Weaviate refuses the object after the permission check and writes nothing. */
  static final String NOT_A_UUID = "weaviate-sync-permission-check";

  /**
   * Asks Weaviate, before the first record is read, whether the worker's key may do in {@code
   * collection} what the worker does there: read (the readiness probe), upsert (Weaviate's
   * create_data and update_data) and delete. Nothing is written or deleted: the upsert sends one
   * object whose id is not a UUID (Weaviate 1.38 checks the permissions of a gRPC batch before it
   * parses the objects, then refuses that object, writing nothing), the delete is a dry run.
   *
   * <p>Only a refusal stops the start-up. Any other answer (a gRPC port that is down, a future
   * Weaviate that words it differently) lets the worker start: writes are classified the same way,
   * so a refusal found later still stops the worker instead of dead-lettering records.
   *
   * @throws FatalSinkException naming the collection and the permission Weaviate refused
   */
  public void checkPermissions(String collection) {
    var h = handle(collection);
    attempt("read from collection " + collection, () -> h.query.fetchObjectById(PROBE_ID));
    attempt(
        "write to collection " + collection,
        () -> {
          var response =
              h.data.insertMany(
                  List.of(
                      WeaviateObject.<Map<String, Object>>of(
                          b -> b.uuid(NOT_A_UUID).properties(Map.of()))));
          for (var r : response.responses()) {
            if (r.successful()) {
              log.warn(
                  "Weaviate accepted the permission check's object with the id '{}' in collection {};"
                      + " delete it",
                  NOT_A_UUID,
                  collection);
            } else if (ErrorClassifier.isPermissionRefusal(r.error())) {
              throw refused("write to collection " + collection, r.error(), null);
            }
          }
        });
    attempt(
        "delete from collection " + collection,
        () ->
            h.data.deleteMany(
                DeleteManyRequest.of(Filter.uuid().eq(PROBE_ID), b -> b.dryRun(true))));
  }

  /**
   * Weaviate refused {@code what} ({@link Failure#FATAL}): a message that says what was refused
   * and, for a missing permission, which permissions the worker needs.
   */
  static FatalSinkException refused(String what, Throwable e) {
    return refused(what, refusal(e), e);
  }

  private static FatalSinkException refused(String what, String answer, Throwable cause) {
    if (ErrorClassifier.isPermissionRefusal(answer)) {
      return new FatalSinkException(
          "the key may not "
              + what
              + ": "
              + answer
              + " (the worker's role needs read_collections, create_data, read_data, update_data"
              + " and delete_data on its collections, and create_collections if"
              + " collections.create=true: README, Weaviate permissions)",
          cause);
    }
    return new FatalSinkException(what + ": " + answer, cause);
  }

  private static void attempt(String what, Runnable call) {
    try {
      call.run();
    } catch (FatalSinkException e) {
      throw e;
    } catch (RuntimeException e) {
      if (ErrorClassifier.classify(e) == Failure.FATAL) {
        throw refused(what, e);
      }
      log.warn(
          "Start-up permission check could not {} ({}); going on, writes are checked as they happen",
          what,
          e.toString());
    }
  }

  /**
   * What Weaviate answered, for a message: its words when it refused a permission (they name the
   * user, the permission and the collection, never the key), else only the status.
   */
  static String refusal(Throwable e) {
    return ErrorClassifier.isPermissionRefusal(e.getMessage())
        ? e.getMessage()
        : BatchWriter.status(e);
  }
}
