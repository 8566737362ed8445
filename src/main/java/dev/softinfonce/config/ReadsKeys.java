package dev.softinfonce.config;

import java.util.List;

/**
 * A choice inside a config section (an objective, an estimator) that reads only some of the section's
 * keys. Each choice declares its keys once, here; {@link ConfigParser} rejects a key the chosen one does
 * not read (naming the key and the choice), so a typo'd objective or a left-over {@code objective.alpha}
 * never trains something other than what the file says.
 */
public interface ReadsKeys {
  /** The section's keys (without the section prefix) this choice reads; {@code name} is always read. */
  List<String> keys();
}
