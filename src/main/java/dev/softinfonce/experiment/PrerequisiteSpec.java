package dev.softinfonce.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * A model that some rows need and that is trained once per experiment before the first row that
 * refers to it with {@code ${prerequisite:NAME}} — e.g. the SimCSE docstring encoder behind the
 * SimCSE estimator (paper §3.2).
 *
 * <p>Its config is {@code config} (or the experiment's base when absent), then the experiment's data
 * sources (the rows' data), then {@code settings}; the command line's {@code --set} comes last.
 *
 * @param name identifier, also its folder under {@code prerequisites/}
 * @param config its own config file, or null for the experiment's base
 * @param settings overrides on top
 * @param source {@code file:line} where it is declared
 */
public record PrerequisiteSpec(String name, Path config, List<Setting> settings, String source) {
  public PrerequisiteSpec {
    settings = List.copyOf(settings);
  }
}
