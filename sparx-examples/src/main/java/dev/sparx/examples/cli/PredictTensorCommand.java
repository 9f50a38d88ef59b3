package dev.sparx.examples.cli;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sparx predict-tensor}: runs a float32 NCHW batch from a {@code .npy} file through a network
 * loaded from a checkpoint and writes the float32 logits (B, classes) as {@code .npy}.
 */
@Command(
        name = "predict-tensor",
        mixinStandardHelpOptions = true,
        description = "Run an NCHW float32 batch (.npy) through SparX-Mamba and write the logits (.npy).")
public final class PredictTensorCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ModelChoice model;

    @Option(names = "--checkpoint", paramLabel = "W.pth", required = true,
            description = "The weights: .pth (any form torch.save writes) or .safetensors.")
    private Path checkpoint;

    @Option(names = "--input", paramLabel = "IN.npy", required = true,
            description = "A float32 batch of shape (B, 3, H, W).")
    private Path input;

    @Option(names = "--output", paramLabel = "OUT.npy", required = true, description = "Where to write the logits.")
    private Path output;

    @Option(names = "--scan", paramLabel = "SCAN", defaultValue = SelectiveScans.AUTO,
            description = "Selective-scan implementation: auto or one of ${COMPLETION-CANDIDATES}"
                    + " (default ${DEFAULT-VALUE}).",
            completionCandidates = ScanNames.class)
    private String scan;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Run the batch N times and report the fastest and the median time; the first run"
                    + " of a process includes libtorch's warm-up (default ${DEFAULT-VALUE}).")
    private int repeat;

    @Override
    public Integer call() throws TranslateException {
        if (repeat < 1) {
            throw new SparxException("--repeat " + repeat + ": expected at least 1");
        }
        HostTensor batch = Npy.read(input);
        if (batch.rank() != 4) {
            throw new SparxException(
                    "--input " + input + " has shape " + Arrays.toString(batch.shape())
                            + "; expected a batch (B, 3, H, W)");
        }
        SparXMamba net = SparXMamba.builder().setConfig(model.config()).optSelectiveScan(SelectiveScans.byName(scan))
                .build();
        try (Model m = Model.newInstance(model.label())) {
            m.setBlock(net);
            net.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(batch.shape()));
            StateDictLoader.load(net, Checkpoints.read(checkpoint, CheckpointOptions.NETWORK));
            try (Predictor<NDList, NDList> predictor = m.newPredictor(new NoopTranslator());
                    NDManager manager = NDManager.newBaseManager()) {
                NDArray x = batch.toNDArray(manager);
                double[] ms = new double[repeat];
                NDArray logits = null;
                for (int i = 0; i < repeat; i++) {
                    long start = System.nanoTime();
                    logits = predictor.predict(new NDList(x)).singletonOrThrow();
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                Npy.write(output, HostTensor.fromNDArray(logits));
                double first = ms[0];
                Arrays.sort(ms);
                spec.commandLine().getOut().printf(Locale.ROOT,
                        "%s: %s -> %s, logits %s, scan %s; forward %s%n", model.label(), input, output,
                        logits.getShape(), net.getSelectiveScan().name(),
                        repeat == 1 ? String.format(Locale.ROOT, "%.1f ms", first)
                                : String.format(Locale.ROOT, "first %.1f ms, fastest %.1f ms, median %.1f ms"
                                        + " over %d runs", first, ms[0], ms[repeat / 2], repeat));
            }
        }
        return 0;
    }

    /** The scan names picocli lists in the help. */
    static final class ScanNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ScanNames() {
            super(SelectiveScans.names());
        }
    }
}
