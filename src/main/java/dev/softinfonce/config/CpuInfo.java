package dev.softinfonce.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This machine's CPU model and the bf16 matmul units Linux reports for it (the {@code amx_bf16} and
 * {@code avx512_bf16} flags of {@code /proc/cpuinfo}): what {@code precision: auto} decides on, and what every
 * benchmark prints beside its bf16 figures (without such units every framework emulates bf16 in fp32
 * arithmetic, slower than fp32 itself).
 *
 * @param model the first {@code model name}, or "unknown"
 * @param bf16Units the bf16 flags present, in the order amx_bf16, avx512_bf16 (empty: none)
 */
public record CpuInfo(String model, List<String> bf16Units) {
  private static final String[] BF16_FLAGS = {"amx_bf16", "avx512_bf16"};

  /** Read from {@code /proc/cpuinfo}; model "unknown" and no units where it cannot be read. */
  public static CpuInfo ofThisMachine() {
    return of(Path.of("/proc/cpuinfo"));
  }

  static CpuInfo of(Path cpuinfo) {
    try {
      String model = "unknown";
      List<String> units = null;
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("model name") && model.equals("unknown")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        }
        if (line.startsWith("flags") && units == null) {
          List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
          units = new ArrayList<>();
          for (String f : BF16_FLAGS) {
            if (flags.contains(f)) {
              units.add(f);
            }
          }
        }
      }
      return new CpuInfo(model, units == null ? List.of() : List.copyOf(units));
    } catch (IOException | RuntimeException e) {
      return new CpuInfo("unknown", List.of());
    }
  }

  public boolean hasBf16Units() {
    return !bf16Units.isEmpty();
  }

  /** E.g. {@code "Intel Xeon ... [amx_bf16 avx512_bf16]"} or {@code "AMD EPYC [no bf16 units]"}. */
  public String describe() {
    return model + " [" + (bf16Units.isEmpty() ? "no bf16 units" : String.join(" ", bf16Units)) + "]";
  }
}
