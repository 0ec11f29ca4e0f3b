package dev.weaviatesync.fault;

import dev.weaviatesync.stack.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The worker processes of the fault suite, supervised as Kubernetes would: a worker that exits
 * without being killed by the suite is counted, its last lines are kept, and it is started again.
 */
final class Workers implements AutoCloseable {
  /** One worker: its own configuration (state directory, client id) and log. */
  record Slot(String name, Path config, Path stateDir, Path log) {}

  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private final Map<String, WorkerProcess> running = new LinkedHashMap<>();
  private final Set<String> retired = new TreeSet<>();
  private final List<String> unexpectedExits = new ArrayList<>();
  private final Thread watcher;
  private volatile boolean closed;

  Workers() {
    watcher = new Thread(this::watch, "fault-suite-supervisor");
    watcher.setDaemon(true);
    watcher.start();
  }

  synchronized void add(Slot slot) {
    slots.put(slot.name(), slot);
  }

  synchronized void start(String name) throws Exception {
    Slot s = slots.get(name);
    retired.remove(name);
    Files.writeString(
        s.log(),
        "==== start " + java.time.Instant.now() + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    running.put(name, WorkerProcess.start(s.config(), Map.of(), s.log()));
  }

  /** SIGKILL; the supervisor does not restart it (the suite does, when the round says so). */
  synchronized long kill(String name) throws Exception {
    WorkerProcess p = running.remove(name);
    retired.add(name);
    long pid = p.pid();
    p.kill();
    Files.writeString(
        slots.get(name).log(),
        "==== SIGKILL by the fault suite " + java.time.Instant.now() + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    return pid;
  }

  synchronized Set<String> names() {
    return new TreeSet<>(running.keySet());
  }

  synchronized Slot slot(String name) {
    return slots.get(name);
  }

  /** Exits nobody asked for since the last call: "name exit N: last log lines". */
  synchronized List<String> drainUnexpectedExits() {
    var out = new ArrayList<>(unexpectedExits);
    unexpectedExits.clear();
    return out;
  }

  /** SIGTERM to every worker; their exit codes. */
  synchronized Map<String, Integer> terminateAll(int seconds) throws InterruptedException {
    var codes = new LinkedHashMap<String, Integer>();
    for (var e : running.entrySet()) {
      retired.add(e.getKey());
      codes.put(e.getKey(), e.getValue().terminate(seconds));
    }
    running.clear();
    return codes;
  }

  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(500);
        check();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        System.err.println("[faults] supervisor: " + e);
      }
    }
  }

  private synchronized void check() throws Exception {
    for (var e : new ArrayList<>(running.entrySet())) {
      WorkerProcess p = e.getValue();
      if (p.isAlive()) {
        continue;
      }
      String name = e.getKey();
      List<String> lines = Files.readAllLines(slots.get(name).log());
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      String what = name + " (pid " + p.pid() + ") exited by itself with code " + p.exitCode();
      System.err.println("[faults] " + what + "; restarting it. Last lines:\n" + tail);
      unexpectedExits.add(what + "; last lines:\n" + tail);
      running.remove(name);
      Thread.sleep(2000);
      start(name);
    }
  }

  @Override
  public synchronized void close() throws Exception {
    closed = true;
    watcher.interrupt();
    for (var p : running.values()) {
      p.close();
    }
    running.clear();
  }
}
