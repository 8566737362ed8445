package dev.softinfonce.config;

/** A config key that is unknown, of the wrong type or out of range; the message names key, value and source. */
public final class ConfigException extends IllegalArgumentException {
  private final String key;

  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The dotted key at fault, e.g. {@code train.batch_size}. */
  public String key() {
    return key;
  }
}
