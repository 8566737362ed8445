package dev.softinfonce.experiment;

import java.util.List;

/**
 * One row of the experiment table: a loss and estimator, i.e. config overrides on the base, trained
 * once per seed.
 *
 * @param name identifier used for run folders, result files and {@code ${row:NAME}} references
 * @param loss label of the "Loss" column (derived from {@code objective.name} unless written)
 * @param estimator label of the "Estimator" column (derived from {@code estimator.name} unless written)
 * @param settings overrides applied to the base config
 * @param source {@code file:line} of the row
 */
public record RowSpec(String name, String loss, String estimator, List<Setting> settings, String source) {
  public RowSpec {
    settings = List.copyOf(settings);
  }
}
