package dev.hookline.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures CPU time over one scenario: the whole process, and per Java thread, split into the embedded ElasticMQ
 * server's threads and everything else (the client side: our code, the SDK, its Netty event loops).
 *
 * <p>ElasticMQ runs in this JVM, so process CPU counts the server too. Client CPU is the sum over live Java threads
 * that are not ElasticMQ's (by name), sampled every 20 ms so that threads which end during the scenario still count.
 * Neither JIT compiler nor GC threads are Java threads: they are in process CPU only.
 */
final class CpuMeter {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String METER_THREAD = "bench-cpu-meter";

  private final Map<Long, Long> startCpu = new HashMap<>();
  private final Map<Long, Long> lastCpu = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private long startProcess;
  private Thread sampler;

  /** The CPU used by one scenario, in nanoseconds. */
  record Usage(long processNanos, long serverNanos, long clientNanos, Map<String, Long> clientByGroup) {}

  static {
    if (!THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
  }

  /** Returns whether a thread belongs to the embedded ElasticMQ server (Pekko actors, HTTP server, its timers). */
  static boolean serverThread(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.contains("elasticmq") || n.contains("pekko") || n.contains("sqs-rest") || n.contains("scala");
  }

  /** Returns the process CPU time so far, in nanoseconds. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report process CPU time");
  }

  /** Starts measuring. */
  void start() {
    startProcess = processCpuNanos();
    sample(true);
    sampler =
        new Thread(
            () -> {
              try {
                while (!stop.await(20, TimeUnit.MILLISECONDS)) {
                  sample(false);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            METER_THREAD);
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Stops measuring and returns what was used since {@link #start()}. */
  Usage stop() throws InterruptedException {
    long process = processCpuNanos() - startProcess;
    stop.countDown();
    sampler.join();
    sample(false);
    long server = 0;
    long client = 0;
    Map<String, Long> groups = new TreeMap<>();
    for (Map.Entry<Long, Long> e : lastCpu.entrySet()) {
      String name = names.get(e.getKey());
      if (METER_THREAD.equals(name)) {
        continue;
      }
      long used = e.getValue() - startCpu.getOrDefault(e.getKey(), 0L);
      if (serverThread(name)) {
        server += used;
      } else {
        client += used;
        groups.merge(name.replaceAll("[0-9]+", "N"), used, Long::sum);
      }
    }
    return new Usage(process, server, client, groups);
  }

  private synchronized void sample(boolean first) {
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue; // ended meanwhile
      }
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (cpu < 0) {
        continue;
      }
      names.putIfAbsent(ids[i], infos[i].getThreadName());
      if (first) {
        startCpu.put(ids[i], cpu);
      }
      lastCpu.put(ids[i], cpu);
    }
  }
}
