package dev.sparx.examples.cli;

import dev.sparx.core.checkpoint.Checkpoint;
import dev.sparx.core.checkpoint.CheckpointFormat;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.FloatCast;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.checkpoint.StoredTensor;
import dev.sparx.core.tensor.DType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparx checkpoint}: inspect and convert PyTorch ({@code .pth}) and {@code .safetensors}
 * checkpoints, in pure Java.
 */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = "Inspect and convert PyTorch (.pth) and .safetensors checkpoints.",
        subcommands = {CheckpointCommand.Inspect.class, CheckpointCommand.Convert.class})
public final class CheckpointCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand there is nothing to do: says so, with the usage. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: inspect or convert");
    }

    /** Which weights and key prefix, shared by both subcommands. */
    static final class Selection {
        @Option(names = "--ema", description = "take the EMA weights of a training checkpoint (state_dict_ema)")
        boolean ema;

        @Option(names = "--strip-prefix", paramLabel = "PREFIX",
                description = "remove PREFIX from the keys that have it, e.g. module.")
        String stripPrefix;

        CheckpointOptions options() {
            return new CheckpointOptions(ema, stripPrefix);
        }
    }

    /** {@code sparx checkpoint inspect FILE}: one line per tensor, then the totals. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = {
                "List the state dict of a checkpoint without loading its data: one line per tensor"
                        + " (key, dtype, shape), then a line 'N tensors, M elements'.",
                "Reads torch.save files (zip and legacy formats) and .safetensors."
            })
    static final class Inspect implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the checkpoint")
        private Path file;

        @CommandLine.Mixin
        private Selection selection = new Selection();

        @Option(names = "--all",
                description = "every tensor in the file (optimizer state, EMA, ...), keyed by its path")
        private boolean all;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Checkpoint c = Checkpoints.open(file)) {
                Map<String, StoredTensor> tensors = all ? c.allTensors() : c.stateDictTensors(selection.options());
                long elements = 0;
                for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
                    StoredTensor t = e.getValue();
                    out.println(e.getKey() + " " + t.dtype().displayName() + " " + Arrays.toString(t.shape()));
                    elements += t.numel();
                }
                out.println(tensors.size() + " tensors, " + elements + " elements");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code sparx checkpoint convert IN OUT}: writes a bare state dict in the format OUT's name says. */
    @Command(
            name = "convert",
            mixinStandardHelpOptions = true,
            description = {
                "Write the state dict of IN as a bare state dict to OUT, whose extension chooses the"
                        + " format: .pth, .pt or .bin (torch.save zip, readable by"
                        + " torch.load(weights_only=True)) or .safetensors.",
                "OUT is replaced atomically."
            })
    static final class Convert implements Callable<Integer> {

        private static final List<String> DTYPES = List.of("float16", "bfloat16", "float32");

        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN", description = "the checkpoint to read")
        private Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "the file to write")
        private Path out;

        @CommandLine.Mixin
        private Selection selection = new Selection();

        @Option(names = "--dtype", paramLabel = "DTYPE",
                description = "convert floating-point tensors to float16, bfloat16 or float32"
                        + " (integer and bool tensors keep their type)")
        private String dtype;

        @Override
        public Integer call() {
            if (dtype != null && !DTYPES.contains(dtype)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--dtype must be one of " + String.join(", ", DTYPES) + ", not '" + dtype + "'");
            }
            CheckpointFormat format = Checkpoints.formatFor(out);
            StateDict sd = Checkpoints.read(in, selection.options());
            if (dtype != null) {
                sd = FloatCast.toFloating(sd, DType.fromName(dtype));
            }
            Checkpoints.write(out, sd);
            PrintWriter w = spec.commandLine().getOut();
            w.println("wrote " + sd.size() + " tensors, " + sd.totalElements() + " elements to " + out
                    + " (" + format.description() + ")");
            w.flush();
            return 0;
        }
    }
}
