package dev.softinfonce.experiment;

import java.util.List;
import java.util.Locale;

/**
 * Mean and sample standard deviation (n − 1 in the denominator) of a metric over seeds; the std is
 * NaN for a single value, where it is undefined.
 */
public record MeanStd(double mean, double std, int n) {

  public static MeanStd of(List<Double> xs) {
    int n = xs.size();
    if (n == 0) {
      return new MeanStd(Double.NaN, Double.NaN, 0);
    }
    double sum = 0;
    for (double x : xs) {
      sum += x;
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanStd(mean, Double.NaN, 1);
    }
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    return new MeanStd(mean, Math.sqrt(ss / (n - 1)), n);
  }

  /** {@code 0.6123 ± 0.0045}, or {@code 0.6123} for one value, {@code –} for none. */
  public String format(int decimals, boolean signed) {
    if (n == 0) {
      return "–";
    }
    String f = "%" + (signed ? "+" : "") + "." + decimals + "f";
    String m = String.format(Locale.ROOT, f, mean);
    return Double.isNaN(std) ? m : m + " ± " + String.format(Locale.ROOT, "%." + decimals + "f", std);
  }
}
