package io.fedge.agent.telemetry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Cheap readings of the agent's own resource use, for heartbeats and the dashboard. */
public final class ResourceProbe {
  private final Path dataDir;
  private final long startedAt = System.currentTimeMillis();

  public ResourceProbe(Path dataDir) {
    this.dataDir = dataDir;
  }

  public long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAt) / 1000;
  }

  public long heapUsedBytes() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** Resident set size from /proc (Linux); 0 where unavailable. */
  public long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** One-minute load average per core; -1 where the platform has none. */
  public double cpuLoad() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? -1 : load / Runtime.getRuntime().availableProcessors();
  }

  public long diskFreeBytes() {
    try {
      return Files.getFileStore(dataDir).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }
}
