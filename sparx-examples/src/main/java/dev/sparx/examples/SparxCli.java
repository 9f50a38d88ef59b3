package dev.sparx.examples;

import dev.sparx.core.SparxException;
import dev.sparx.examples.cli.BenchmarkCommand;
import dev.sparx.examples.cli.CheckpointCommand;
import dev.sparx.examples.cli.FinetuneCommand;
import dev.sparx.examples.cli.PredictCommand;
import dev.sparx.examples.cli.PredictTensorCommand;
import dev.sparx.examples.cli.PreprocessCommand;
import dev.sparx.examples.cli.SummaryCommand;
import dev.sparx.examples.cli.ValidateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sparx} command line: one entry point, one class per subcommand.
 *
 * <p>Errors of the project's own type are printed as one line on stderr with exit status 2;
 * anything else is a bug and keeps its stack trace.
 */
@Command(
        name = "sparx",
        mixinStandardHelpOptions = true,
        version = "sparx 0.1.0",
        description = "SparX-Mamba image classifiers on DJL.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchmarkCommand.class,
            CheckpointCommand.class,
            FinetuneCommand.class,
            PreprocessCommand.class,
            PredictTensorCommand.class,
            SummaryCommand.class,
            ValidateCommand.class,
            PredictCommand.class
        })
public final class SparxCli {

    private SparxCli() {}

    /**
     * Runs the command line.
     *
     * @param args subcommand and its arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests.
     *
     * @param args subcommand and its arguments
     * @return the exit status
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SparxCli());
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    if (e instanceof SparxException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cli.execute(args);
    }
}
