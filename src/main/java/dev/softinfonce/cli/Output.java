package dev.softinfonce.cli;

import java.util.function.Consumer;

/**
 * How much the command line prints, set once per command by the global {@code --quiet} / {@code --verbose}:
 * <ul>
 *   <li>{@code --quiet}: results and errors only (no progress messages, no progress bar, no log line
 *       below ERROR);</li>
 *   <li>default: what the command does and its results, and this project's own warnings; no line from a
 *       third-party logger (DJL, TensorFlow's native start-up notices) below ERROR;</li>
 *   <li>{@code --verbose}: also every library's INFO logs, TensorFlow's native logs (the launcher then
 *       leaves {@code TF_CPP_MIN_LOG_LEVEL} unset) and, on an error, its stack trace.</li>
 * </ul>
 * The levels are slf4j-simple's system properties, set before the first logger is created; a property
 * given on the command line ({@code -Dorg.slf4j.simpleLogger...}) wins.
 */
final class Output {
  enum Level { QUIET, NORMAL, VERBOSE }

  private static final String PREFIX = "org.slf4j.simpleLogger.";
  private static volatile Level level = Level.NORMAL;

  private Output() {}

  static Level level() {
    return level;
  }

  /** Sets the level for this process and configures logging (effective for loggers created from now on). */
  static void set(Level l) {
    level = l;
    setIfAbsent("defaultLogLevel", l == Level.VERBOSE ? "info" : "error");
    setIfAbsent("log.dev.softinfonce", l == Level.VERBOSE ? "info" : l == Level.QUIET ? "error" : "warn");
    setIfAbsent("showThreadName", String.valueOf(l == Level.VERBOSE));
    setIfAbsent("showShortLogName", "true");
  }

  /** Back to the default level (tests run several commands in one process). */
  static void reset() {
    level = Level.NORMAL;
  }

  /** Where a command's progress messages go: stdout, or nowhere with {@code --quiet}. */
  static Consumer<String> progress() {
    return level == Level.QUIET ? s -> { } : s -> System.out.println(s);
  }

  /** Whether to draw progress bars (never with {@code --quiet}). */
  static boolean progressBars() {
    return level != Level.QUIET;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
