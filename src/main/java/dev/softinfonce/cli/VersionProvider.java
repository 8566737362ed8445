package dev.softinfonce.cli;

import picocli.CommandLine;

/** Reports the project version and the TensorFlow runtime it links. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"softinfonce " + (v == null ? "dev" : v) + " (TensorFlow Java 1.1.0)"};
  }
}
