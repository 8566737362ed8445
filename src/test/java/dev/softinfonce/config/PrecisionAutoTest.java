package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code precision: auto}: resolved from the CPU's bf16 units when the config is parsed. */
class PrecisionAutoTest {
  @TempDir Path dir;

  @Test
  void cpuInfoReadsTheModelAndTheBf16FlagsOfTheFirstCpu() throws IOException {
    Path avx512 = Files.writeString(dir.resolve("a"), """
        processor	: 0
        model name	: AMD EPYC 9R14
        flags		: fpu sse2 avx512f avx512_bf16 avx512_vnni
        processor	: 1
        model name	: other
        flags		: fpu amx_bf16
        """);
    CpuInfo a = CpuInfo.of(avx512);
    assertEquals("AMD EPYC 9R14", a.model());
    assertEquals(List.of("avx512_bf16"), a.bf16Units());
    assertTrue(a.hasBf16Units());
    assertEquals("AMD EPYC 9R14 [avx512_bf16]", a.describe());

    CpuInfo none = CpuInfo.of(Files.writeString(dir.resolve("b"), "model name : Old\nflags : fpu avx2 avx512f\n"));
    assertFalse(none.hasBf16Units());
    assertEquals("Old [no bf16 units]", none.describe());
    assertEquals("unknown [no bf16 units]", CpuInfo.of(dir.resolve("missing")).describe());
  }

  @Test
  void autoResolvesAtParseTimeToWhatThisMachineRunsFastest() throws IOException {
    Path p = Files.writeString(dir.resolve("c.yaml"), "train:\n  precision: auto\neval:\n  precision: AUTO\n");
    ExperimentConfig c = ExperimentConfig.load(p, List.of());
    Precision expected = CpuInfo.ofThisMachine().hasBf16Units() ? Precision.BF16 : Precision.FP32;
    assertEquals(expected, Precision.auto());
    assertEquals(expected, c.train().precision());
    assertEquals(expected, c.eval().precision());
    assertEquals(expected, ExperimentConfig.load(p, List.of("export.precision=auto")).export().precision());
  }

  @Test
  void aWrongValueListsAuto() throws IOException {
    Path p = Files.writeString(dir.resolve("d.yaml"), "train:\n  precision: fp16\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertTrue(e.getMessage().contains("fp32 | bf16 | auto"), e.getMessage());
  }
}
