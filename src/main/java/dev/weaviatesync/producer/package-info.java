/**
 * Publishing change events from Java services.
 *
 * <p>Build an event with {@link dev.weaviatesync.producer.Changes} and publish it with a {@link
 * dev.weaviatesync.producer.ChangePublisher}:
 *
 * <pre>{@code
 * try (ChangePublisher publisher = ChangePublisher.builder().bootstrapServers("kafka:9092").build()) {
 *   Change change = Changes.itemChanged(item.getId())
 *       .version(item.getRowVersion())
 *       .property("title", item.getTitle())
 *       .property("price", item.getPrice())
 *       .upsert();
 *   publisher.publish(change);            // async: a CompletableFuture
 *   publisher.publishAndWait(change);     // blocking
 * }
 * }</pre>
 *
 * <p>Events are validated before anything is sent; an invalid one throws {@link
 * dev.weaviatesync.producer.InvalidChangeException} naming the field. The record key is the id, so
 * all events of one id stay in order on one partition.
 */
package dev.weaviatesync.producer;
