package dev.softinfonce.experiment;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ConfigParser;
import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A parsed experiment file ({@code softinfonce experiment FILE}): a base config, seeds, table rows
 * (config overrides each) and prerequisite models, validated up front so that a typo fails before
 * the first hour of training. Read with {@link #load}; the format is described on
 * {@link ExperimentFileParser}.
 *
 * @param file the experiment file
 * @param baseFile base config file, or null when the base is written inline
 * @param baseInline the inline base sections, or null
 * @param settings experiment-wide overrides on the base
 * @param commandLine {@code --set} overrides from the command line, applied last to every run
 * @param javaCorpus build (or reuse) the Java corpus at {@code data.java_corpus_dir} and train on it
 * @param outputDir where runs, per-run results and tables go
 * @param seeds one run per row and seed
 * @param bm25Baseline add the BM25 lexical baseline row (seed-independent)
 * @param zeroShot add a row for the base's pretrained start ({@code model.init_from}) evaluated untrained
 * @param exportBest export the run with the best valid MRR to the base's {@code export.dir} / {@code export.version}
 * @param reference the row the others are compared with (Δ MRR column)
 * @param prerequisites models trained once and referred to by rows
 * @param rows the table's rows, run in this order for each seed
 */
public record ExperimentSpec(Path file, Path baseFile, Node baseInline, List<Setting> settings,
    List<String> commandLine, boolean javaCorpus, Path outputDir, List<Long> seeds, boolean bm25Baseline,
    boolean zeroShot, boolean exportBest, String reference, List<PrerequisiteSpec> prerequisites, List<RowSpec> rows) {

  /** Stands in for references while configs are validated before anything is trained. */
  static final String PLACEHOLDER = "unresolved-reference";

  public ExperimentSpec {
    settings = List.copyOf(settings);
    commandLine = List.copyOf(commandLine);
    seeds = List.copyOf(seeds);
    prerequisites = List.copyOf(prerequisites);
    rows = List.copyOf(rows);
  }

  /**
   * Reads and checks an experiment file: structure, references, and every row's and prerequisite's
   * config (keys, types, ranges, cross-checks), each error naming the file and line.
   *
   * @param commandLine {@code key=value} overrides applied last to every run (e.g. data paths)
   */
  public static ExperimentSpec load(Path file, List<String> commandLine) {
    for (String o : commandLine == null ? List.<String>of() : commandLine) {
      if (o.split("=", 2)[0].trim().equals("train.output_dir")) {
        // applied last to every run, it would put all rows into one folder
        throw new ConfigException("train.output_dir", "--set " + o + ": each run's folder is set by the experiment "
            + "(<output_dir>/runs/<row>/seed-<seed>); pass --output-dir instead");
      }
    }
    ExperimentSpec spec = new ExperimentFileParser(file).parse(commandLine == null ? List.of() : commandLine);
    spec.validateConfigs();
    return spec;
  }

  /** The same experiment with other seeds (e.g. one seed for a short check). */
  public ExperimentSpec withSeeds(List<Long> newSeeds) {
    if (newSeeds.isEmpty() || newSeeds.stream().distinct().count() != newSeeds.size()) {
      throw new ConfigException("seeds", "seeds: expected distinct seeds, got " + newSeeds);
    }
    return new ExperimentSpec(file, baseFile, baseInline, settings, commandLine, javaCorpus, outputDir, newSeeds,
        bm25Baseline, zeroShot, exportBest, reference, prerequisites, rows);
  }

  /** The same experiment writing into another folder. */
  public ExperimentSpec withOutputDir(Path dir) {
    return new ExperimentSpec(file, baseFile, baseInline, settings, commandLine, javaCorpus, dir, seeds,
        bm25Baseline, zeroShot, exportBest, reference, prerequisites, rows);
  }

  /**
   * The same experiment on another base config file (e.g. the quick start's tiny preset), checked like a
   * loaded one; the zero-shot row stays only when the new base starts from pretrained weights.
   */
  public ExperimentSpec withBase(Path config) {
    ExperimentSpec spec = new ExperimentSpec(file, config, null, settings, commandLine, javaCorpus, outputDir, seeds,
        bm25Baseline, zeroShot, exportBest, reference, prerequisites, rows);
    if (zeroShot && spec.baseConfig().model().initFrom() == null) {
      spec = new ExperimentSpec(file, config, null, settings, commandLine, javaCorpus, outputDir, seeds,
          bm25Baseline, false, exportBest, reference, prerequisites, rows);
    }
    spec.validateConfigs();
    return spec;
  }

  /** The row called {@code name}, or null. */
  public RowSpec row(String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  /** The prerequisite called {@code name}, or null. */
  public PrerequisiteSpec prerequisite(String name) {
    return prerequisites.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** Base config with the experiment's and the command line's overrides (data paths not yet resolved). */
  public ExperimentConfig baseConfig() {
    ConfigParser p = baseFile != null ? ExperimentConfig.builder().file(baseFile)
        : ExperimentConfig.builder().mapping(file, baseInline);
    return apply(p, settings, commandLine, file.toString(), "base config" + (baseFile != null ? " " + baseFile : ""));
  }

  /** A row's config for one seed, writing into {@code runDir}; references resolved by {@code resolver}. */
  public ExperimentConfig rowConfig(ExperimentConfig base, RowSpec row, long seed, Path runDir,
      Function<Setting.Reference, String> resolver) {
    List<Setting> sets = new ArrayList<>();
    for (Setting s : row.settings()) {
      sets.add(s.resolve(resolver));
    }
    sets.add(new Setting("train.seed", Long.toString(seed), file + ": seeds"));
    sets.add(new Setting("train.output_dir", quote(runDir.toString()), file + ": output_dir"));
    return apply(base.toBuilder(), sets, commandLine, row.source(), "row '" + row.name() + "'");
  }

  /**
   * A prerequisite's config: its own file (then the rows' data sources from {@code base}, and the base's
   * {@code model.tokenizer} when the file names none and its vocab_size is at least the base's), or the
   * base itself; then its overrides and the command line's.
   */
  public ExperimentConfig prerequisiteConfig(ExperimentConfig base, PrerequisiteSpec p, Path runDir) {
    String owner = "prerequisite '" + p.name() + "'";
    ConfigParser parser;
    if (p.config() == null) {
      parser = base.toBuilder();
    } else {
      try {
        parser = ExperimentConfig.builder().file(p.config());
      } catch (ConfigException e) {
        throw new ConfigException(e.key(), p.source() + ": " + owner + ": " + e.getMessage());
      }
      var d = base.data();
      parser.set("data.format", d.format()).set("data.train", d.train()).set("data.valid", d.valid())
          .set("data.test", d.test()).set("data.valid_codebase", d.validCodebase())
          .set("data.test_codebase", d.testCodebase()).set("data.codebase", d.codebase())
          .set("data.code_field", d.codeField());
    }
    List<Setting> sets = new ArrayList<>(p.settings());
    sets.add(new Setting("train.output_dir", quote(runDir.toString()), p.source()));
    ExperimentConfig cfg = apply(parser, sets, commandLine, p.source(), owner);
    if (p.config() != null && cfg.model().tokenizer() == null && base.model().tokenizer() != null
        && cfg.model().vocabSize() >= base.model().vocabSize()) {
      cfg = cfg.toBuilder().set("model.tokenizer", base.model().tokenizer()).build();
    }
    return cfg;
  }

  /** Builds every config once with placeholders for references, so errors surface before training. */
  void validateConfigs() {
    ExperimentConfig base = baseConfig();
    if (zeroShot && base.model().initFrom() == null) {
      throw new ConfigException("zero_shot", file + ": zero_shot: true needs model.init_from in the base config"
          + " (the pretrained start to evaluate untrained)");
    }
    Path dummy = outputDir.resolve("validate");
    for (PrerequisiteSpec p : prerequisites) {
      prerequisiteConfig(base, p, dummy);
    }
    for (RowSpec r : rows) {
      rowConfig(base, r, seeds.get(0), dummy, ref -> PLACEHOLDER);
    }
  }

  /**
   * Applies settings then command-line overrides and builds; a {@link ConfigException} is rethrown
   * naming the line of the setting at fault (else {@code ownerSource}) and the owner (row, base, ...).
   */
  private static ExperimentConfig apply(ConfigParser p, List<Setting> sets, List<String> commandLine,
      String ownerSource, String owner) {
    Setting current = null;
    try {
      for (Setting s : sets) {
        current = s;
        p.overrides(List.of(s.override()));
      }
      current = null;
      p.overrides(commandLine);
      return p.build();
    } catch (ConfigException e) {
      Setting at = current;
      boolean fromCommandLine = commandLine.stream().anyMatch(o -> o.startsWith(e.key() + "="));
      if (at == null && !fromCommandLine) {
        for (Setting s : sets) {
          if (s.key().equals(e.key())) {
            at = s; // the last one wins in the parser, so report the last
          }
        }
      }
      if (at != null) {
        throw new ConfigException(e.key(), at.source() + ": " + owner + ": "
            + e.getMessage().replace(" (--set " + at.override() + ")", ""));
      }
      throw new ConfigException(e.key(), ownerSource + ": " + owner + ": " + e.getMessage());
    }
  }

  /** A path as a YAML scalar that survives the override parser (quotes when needed). */
  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:+\\-]+") ? s : "'" + s.replace("'", "''") + "'";
  }
}
