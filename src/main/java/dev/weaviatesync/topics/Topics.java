package dev.weaviatesync.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics and waits until they accept writes.
 *
 * <p>Why wait: up to Kafka 4.4 a broker that has no producer state for a just-created partition
 * accepts any first sequence number (KAFKA-15591, fixed in 4.5). An idempotent producer that sends
 * two requests to a new partition right after its creation can have the first one refused with
 * NOT_LEADER_OR_FOLLOWER (the broker has not applied the partition yet) and the second one
 * appended; every retry of the first then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until {@code
 * delivery.timeout.ms} expires it. So whatever creates a topic waits, before anything writes to it,
 * until every partition has a leader and that leader serves the partition: a ListOffsets request is
 * answered by the partition's leader through the same replica manager lookup a produce request goes
 * through, and writes nothing.
 */
public final class Topics {
  private static final Duration POLL = Duration.ofMillis(100);

  private Topics() {}

  /**
   * Creates the topics that do not exist yet (existing ones are left as they are) and waits until
   * every partition of every one of them accepts writes.
   *
   * @return the names of the topics this call created
   * @throws TimeoutException when the broker does not answer or the partitions are not writable
   *     within {@code timeout}
   */
  public static List<String> createAndAwait(
      Admin admin, Collection<NewTopic> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (topics.isEmpty()) {
      return List.of();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    var created = new ArrayList<String>();
    var results = admin.createTopics(topics).values();
    for (var e : results.entrySet()) {
      try {
        e.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
        created.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
      }
    }
    awaitWritable(
        admin, topics.stream().map(NewTopic::name).toList(), Duration.ofNanos(remaining(deadline)));
    return created;
  }

  /**
   * Waits until every partition of {@code topics} has a leader that serves it.
   *
   * @throws UnknownTopicOrPartitionException when a topic does not exist (after retrying until the
   *     deadline)
   * @throws TimeoutException naming the topic when its partitions are not writable within {@code
   *     timeout}
   */
  public static void awaitWritable(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(remaining(deadline), TimeUnit.NANOSECONDS);
        var latest = new HashMap<TopicPartition, OffsetSpec>();
        String leaderless = null;
        for (TopicDescription d : described.values()) {
          for (var p : d.partitions()) {
            if (p.leader() == null || p.leader().isEmpty()) {
              leaderless = d.name() + "-" + p.partition();
            }
            latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
          }
        }
        if (leaderless == null) {
          admin.listOffsets(latest).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
          return;
        }
        last = new IllegalStateException("partition " + leaderless + " has no leader");
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw e;
        }
        last = e.getCause();
      }
      if (remaining(deadline) <= POLL.toNanos()) {
        if (last instanceof UnknownTopicOrPartitionException u) {
          throw new UnknownTopicOrPartitionException(
              "topic(s) " + topics + " do not exist: " + u.getMessage());
        }
        throw new TimeoutException(
            "topic(s) " + topics + " not writable within " + timeout.toMillis() + " ms: " + last);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Those of {@code topics} that do not exist. Kafka lists only the topics this Kafka user may
   * describe, and answers "not authorized" for a topic it may not describe whether or not it
   * exists; so a topic missing from the list is asked for once more, and one the user may not
   * describe is reported as such (a {@link TopicAuthorizationException} naming it), not as missing.
   */
  public static List<String> missing(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> listed = admin.listTopics().names().get(remaining(deadline), TimeUnit.NANOSECONDS);
    List<String> unlisted = topics.stream().filter(t -> !listed.contains(t)).distinct().toList();
    if (unlisted.isEmpty()) {
      return List.of();
    }
    var missing = new ArrayList<String>();
    var refused = new TreeSet<String>();
    for (var e : admin.describeTopics(unlisted).topicNameValues().entrySet()) {
      try {
        e.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(e.getKey());
        } else if (ex.getCause() instanceof TopicAuthorizationException) {
          refused.add(e.getKey());
        } else {
          throw ex;
        }
      }
    }
    if (!refused.isEmpty()) {
      throw new TopicAuthorizationException(
          KafkaErrors.OURS
              + "may not describe topic(s) "
              + refused
              + ", so Kafka does not even tell whether they exist: it lacks an ACL on them; "
              + KafkaErrors.ACL_HINT,
          refused);
    }
    return missing;
  }

  /**
   * Checks that this Kafka user may do {@code required} on each topic (which must exist), by the
   * operations the broker says it is authorized for. A broker without an authorizer allows every
   * operation; one that does not report operations is trusted. Asked at start-up, so that a missing
   * ACL stops the worker there, naming the topic and the operation, rather than on the first record
   * that needs it.
   *
   * @throws TopicAuthorizationException listing every topic and the operations it lacks
   */
  public static void requireOperations(
      Admin admin, Map<String, Set<AclOperation>> required, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (required.isEmpty()) {
      return;
    }
    Map<String, TopicDescription> described =
        admin
            .describeTopics(
                required.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    var lacking = new LinkedHashMap<String, Set<AclOperation>>();
    for (var e : required.entrySet()) {
      TopicDescription d = described.get(e.getKey());
      Set<AclOperation> allowed = d == null ? null : d.authorizedOperations();
      if (allowed == null) {
        continue;
      }
      var missing = new TreeSet<>(e.getValue());
      missing.removeAll(allowed);
      if (!missing.isEmpty()) {
        lacking.put(e.getKey(), missing);
      }
    }
    if (!lacking.isEmpty()) {
      var sb = new StringBuilder(KafkaErrors.OURS + "lacks ACLs: ");
      lacking.forEach(
          (topic, ops) -> sb.append(ops).append(" on topic '").append(topic).append("'; "));
      throw new TopicAuthorizationException(
          sb.append(KafkaErrors.ACL_HINT).toString(), lacking.keySet());
    }
  }

  private static long remaining(long deadline) throws TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("Kafka did not answer in time");
    }
    return left;
  }
}
