package dev.sparx.examples.cli;

import dev.sparx.examples.SparxCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in-process and captures what it prints. */
final class CliRun {

    /**
     * What a run did.
     *
     * @param status the exit status
     * @param out what it printed on stdout
     * @param err what it printed on stderr
     */
    record Outcome(int status, String out, String err) {
        /** @return stdout's lines */
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private CliRun() {}

    /**
     * @param args the command line
     * @return its outcome
     */
    static Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = SparxCli.run(args);
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
