package dev.weaviatesync;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: the worker's probes, summaries and admin endpoint. */
public final class Daemons {
  private Daemons() {}

  /** A thread factory whose threads are daemons, all named {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
