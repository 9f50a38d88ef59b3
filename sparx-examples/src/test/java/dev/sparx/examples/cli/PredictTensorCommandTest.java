package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import dev.sparx.examples.SparxCli;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict-tensor on a small random network written as a checkpoint, against the network itself. */
class PredictTensorCommandTest {

    @TempDir
    Path tmp;

    private Path config;
    private Path weights;
    private Path input;
    private float[] expected;

    @BeforeEach
    void writeNetworkAndBatch() throws Exception {
        SparXConfig small = SparXConfig.builder().setDepths(1, 2, 3, 1).setDims(8, 12, 16, 20)
                .setStemType(SparXConfig.StemType.V2).setDenseStep(1, 1, 2, 1).setDenseStart(100, 1, 0, 0)
                .setMaxDenseDepth(100, 100, 3, 100).setSrRatio(8, 4, 2, 1).setNumClasses(5).build();
        config = tmp.resolve("small.json");
        Files.writeString(config, small.toJson());
        SparXMamba net = SparXMamba.builder().setConfig(small).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 3, 48, 40);
            net.initialize(manager, DataType.FLOAT32, shape);
            weights = tmp.resolve("small.pth");
            Checkpoints.write(weights, StateDictLoader.export(net));
            NDArray x = manager.randomNormal(shape);
            input = tmp.resolve("in.npy");
            Npy.write(input, HostTensor.fromNDArray(x));
            expected = net.forward(new ParameterStore(manager, false), new NDList(x), false).head().toFloatArray();
        }
    }

    @Test
    void writesTheLogitsOfTheBatch() {
        Path out = tmp.resolve("out.npy");
        assertEquals(0, SparxCli.run("predict-tensor", "--config", config.toString(), "--checkpoint",
                weights.toString(), "--input", input.toString(), "--output", out.toString(), "--scan", "ndarray"));
        HostTensor logits = Npy.read(out);
        assertArrayEquals(new long[] {2, 5}, logits.shape());
        assertArrayEquals(expected, logits.toFloatArray(), 1e-5f);
    }

    @Test
    void readsACheckpointSavedFromADistributedDataParallelWrapper() {
        StateDict plain = Checkpoints.read(weights);
        StateDict wrapped = new StateDict();
        plain.keys().forEach(key -> wrapped.put("module." + key, plain.get(key)));
        Path prefixed = tmp.resolve("ddp.pth");
        Checkpoints.write(prefixed, wrapped);
        Path out = tmp.resolve("out.npy");
        assertEquals(0, SparxCli.run("predict-tensor", "--config", config.toString(), "--checkpoint",
                prefixed.toString(), "--input", input.toString(), "--output", out.toString(), "--scan", "ndarray"));
        assertArrayEquals(expected, Npy.read(out).toFloatArray(), 1e-5f);
    }

    @Test
    void reportsWrongWeightsAndScansAsOneLineErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Path out = tmp.resolve("never.npy");
            assertEquals(2, SparxCli.run("predict-tensor", "--model", "sparx_mamba_t", "--checkpoint",
                    weights.toString(), "--input", input.toString(), "--output", out.toString()));
            assertEquals(2, SparxCli.run("predict-tensor", "--config", config.toString(), "--checkpoint",
                    weights.toString(), "--input", input.toString(), "--output", out.toString(), "--scan", "fast"));
            assertTrue(Files.notExists(out));
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("state dict does not fit the model"), text);
        assertTrue(text.contains("unknown selective scan 'fast'"), text);
    }
}
