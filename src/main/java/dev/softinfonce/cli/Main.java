package dev.softinfonce.cli;

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
        EvalCommand.class,
        ExportCommand.class,
        IndexCommand.class,
        SearchCommand.class,
        ServeCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
    return cl;
  }
}
