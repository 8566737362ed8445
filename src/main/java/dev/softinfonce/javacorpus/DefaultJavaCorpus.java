package dev.softinfonce.javacorpus;

import java.util.List;

/**
 * The built-in Java corpus, used when the user names no libraries: well-documented open-source
 * libraries from Maven Central, pinned to exact versions so every machine builds the same bytes.
 * Train, valid and test hold different libraries (a library is never split).
 */
public final class DefaultJavaCorpus {
  private DefaultJavaCorpus() {}

  /** Training libraries. */
  public static final List<String> TRAIN = List.of(
      "com.google.guava:guava:33.4.0-jre",
      "org.apache.commons:commons-lang3:3.17.0",
      "commons-io:commons-io:2.18.0",
      "org.apache.commons:commons-collections4:4.4",
      "org.apache.commons:commons-text:1.13.0",
      "org.apache.commons:commons-math3:3.6.1",
      "org.apache.commons:commons-compress:1.27.1",
      "commons-codec:commons-codec:1.17.1",
      "com.fasterxml.jackson.core:jackson-databind:2.18.2",
      "joda-time:joda-time:2.13.0");

  /** Validation libraries (model selection). */
  public static final List<String> VALID = List.of(
      "org.apache.commons:commons-configuration2:2.11.0",
      "com.fasterxml.jackson.core:jackson-core:2.18.2");

  /** Test libraries (reported results only). */
  public static final List<String> TEST = List.of(
      "org.springframework:spring-core:6.2.1");
}
