package dev.softinfonce.bench;

import dev.softinfonce.config.CpuInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics for benchmark timings (medians resist the outliers of a shared, busy machine). */
public final class Stats {
  private Stats() {}

  /** The median (mean of the two middle values for an even count). */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("median of no values");
    }
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** The arithmetic mean. */
  public static double mean(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("mean of no values");
    }
    return values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
  }

  /** The system load average over the last minute, or -1 where the platform does not report it. */
  public static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * Resets the process's peak resident set size (Linux: {@code 5} written to {@code /proc/self/clear_refs}),
   * so that {@link #peakRssBytes} covers only what runs afterwards; false where that is not possible.
   */
  public static boolean resetPeakRss() {
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /** Peak resident set size of this process in bytes (VmHWM of /proc/self/status: heap, native and TF's allocator), or -1. */
  public static long peakRssBytes() {
    return status("VmHWM:");
  }

  /** Resident set size of this process in bytes now (VmRSS), or -1. */
  public static long rssBytes() {
    return status("VmRSS:");
  }

  private static long status(String field) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // the value is in kB
        }
      }
      return -1;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The CPU model and its bf16 units, e.g. {@code "AMD EPYC [avx512_bf16]"}: see {@link CpuInfo}. */
  public static String cpuDescription() {
    return CpuInfo.ofThisMachine().describe();
  }
}
