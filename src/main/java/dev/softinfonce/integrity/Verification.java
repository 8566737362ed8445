package dev.softinfonce.integrity;

/**
 * Whether loads verify manifests and checksums (the default) or skip them ({@code --no-verify}, for
 * large artifacts on trusted disks). One process-wide switch, set by the command line before a command
 * runs, so that every load path honours it without threading a flag through each signature.
 */
public final class Verification {
  private static volatile boolean enabled = true;

  private Verification() {}

  public static boolean enabled() {
    return enabled;
  }

  public static void setEnabled(boolean on) {
    enabled = on;
  }
}
