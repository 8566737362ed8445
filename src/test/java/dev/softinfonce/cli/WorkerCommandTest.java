package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code softinfonce worker}: bad task or cluster is a one-line error, exit 2 (the serving path is MultiWorkerTrainingTest). */
class WorkerCommandTest {
  @Test
  void taskZeroIsTheChief() {
    CliTestSupport.Run r = CliTestSupport.run("worker", "--task", "0", "--cluster", "localhost:1,localhost:2");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--task 0 is the chief: run `softinfonce train`"), r.err());
  }

  @Test
  void taskOutsideTheClusterAndBadAddressesAreNamed() {
    CliTestSupport.Run r = CliTestSupport.run("worker", "--task", "5", "--cluster", "localhost:1,localhost:2");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--task: task 5 is not in the cluster of 2 workers"), r.err());
    r = CliTestSupport.run("worker", "--task", "1", "--cluster", "localhost:1,localhost");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--cluster[1]: \"localhost\" is not host:port"), r.err());
  }
}
