package dev.softinfonce.cli;

import dev.softinfonce.integrity.Verification;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code softinfonce} command line; every subcommand is a thin layer over a package. */
@Command(
    name = "softinfonce",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Train, evaluate and serve code search bi-encoders with InfoNCE and Soft-InfoNCE (TensorFlow Java).",
    subcommands = {
        QuickstartCommand.class,
        ExperimentCommand.class,
        ConfigCommand.class,
        DataCommand.class,
        TokenizerCommand.class,
        ModelCommand.class,
        ObjectiveCommand.class,
        TrainCommand.class,
        WorkerCommand.class,
        EvalCommand.class,
        ExportCommand.class,
        IndexCommand.class,
        SearchCommand.class,
        ServeCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  static final String VERBOSE = "--verbose";
  static final String QUIET = "--quiet";
  static final String NO_VERIFY = "--no-verify";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = VERBOSE, scope = CommandLine.ScopeType.INHERIT,
      description = "also print library logs (DJL, TensorFlow's native logs) and, on an error, its stack trace")
  boolean verbose;

  @CommandLine.Option(names = QUIET, scope = CommandLine.ScopeType.INHERIT,
      description = "print only results and errors (no progress messages or bars)")
  boolean quiet;

  @CommandLine.Option(names = NO_VERIFY, scope = CommandLine.ScopeType.INHERIT,
      description = "load checkpoints, SavedModels and indexes without checking their manifests and checksums")
  boolean noVerify;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExecutionStrategy(Main::execute);
    return cl;
  }

  /** Commands that never load TensorFlow (no need to load it early to silence its start-up notices). */
  private static final Set<String> WITHOUT_TENSORFLOW = Set.of("config", "data", "tokenizer", "build-java", "help");

  /** Runs the chosen command with the process-wide switches set; Errors (out of memory) go to the error path too. */
  private static int execute(CommandLine.ParseResult parsed) {
    if (matched(parsed, VERBOSE) && matched(parsed, QUIET)) {
      throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(),
          "--verbose and --quiet exclude each other; give one");
    }
    Output.set(matched(parsed, VERBOSE) ? Output.Level.VERBOSE
        : matched(parsed, QUIET) ? Output.Level.QUIET : Output.Level.NORMAL);
    Verification.setEnabled(!matched(parsed, NO_VERIFY));
    try {
      if (Output.level() != Output.Level.VERBOSE && loadsTensorFlow(parsed)) {
        NativeNotices.absorb();
      }
      return new CommandLine.RunLast().execute(parsed);
    } catch (OutOfMemoryError | StackOverflowError e) {
      throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), String.valueOf(e), e);
    } finally {
      Verification.setEnabled(true);
      Output.reset();
    }
  }

  /** Whether the command will run TensorFlow: a subcommand other than {@link #WITHOUT_TENSORFLOW}, not asking for help. */
  private static boolean loadsTensorFlow(CommandLine.ParseResult parsed) {
    if (!parsed.hasSubcommand()) {
      return false;
    }
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
        return false;
      }
    }
    return !WITHOUT_TENSORFLOW.contains(parsed.subcommand().commandSpec().name());
  }

  /** Whether {@code option} was given on the command or any of its parents. */
  static boolean matched(CommandLine.ParseResult parsed, String option) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }
}
