package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loading and exporting state dicts, and what the network refuses. */
class LoadingTest {

    private static SparXMamba initialised(SparXConfig config, NDManager manager) {
        SparXMamba net = SparXMamba.builder().setConfig(config).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
        return net;
    }

    @Test
    void exportGivesBackTheLoadedCheckpointExactly() throws IOException {
        GoldenCase golden = new GoldenCase("tiny_t");
        StateDict weights = golden.weights();
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict exported = StateDictLoader.export(golden.network(manager));
            assertEquals(new ArrayList<>(weights.keys()), new ArrayList<>(exported.keys()));
            for (Map.Entry<String, HostTensor> e : weights.asMap().entrySet()) {
                HostTensor got = exported.get(e.getKey());
                assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
                assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
                assertEquals(e.getValue().data(), got.data(), e.getKey());
            }
            assertEquals(DType.INT64, exported.get("patch_embed.1.num_batches_tracked").dtype());
        }
    }

    @Test
    void weightsOfAnotherVariantAreRefusedWithEveryProblemListed() throws IOException {
        // tiny_s's weights into tiny_t: other widths, stem v2 and more blocks
        StateDict weights = new GoldenCase("tiny_s").weights();
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba net = initialised(new GoldenCase("tiny_t").config(), manager);
            float before = net.getStem().getChildren().get(0).getValue().getParameters().get(0).getValue().getArray()
                    .sum().getFloat();
            StateDictMismatchException e =
                    assertThrows(StateDictMismatchException.class, () -> StateDictLoader.load(net, weights));
            String m = e.getMessage();
            assertTrue(m.contains("134 keys missing from the checkpoint: layers.2.blocks.0.op.d_norm.weight"), m);
            assertTrue(m.contains("514 keys not in the model: patch_embed.6.weight"), m);
            assertTrue(m.contains("359 keys of another shape or dtype: patch_embed.3.weight: checkpoint"
                    + " float32[8, 8, 3, 3], model float32[16, 8, 3, 3]"), m);
            LoadReport r = e.report();
            assertTrue(r.missing().contains("layers.2.blocks.2.op.in_proj.0.weight"));
            assertTrue(r.unexpected().contains("layers.2.blocks.2.op.in_proj.weight"));
            assertTrue(r.unexpected().contains("layers.2.blocks.16.mlp.fc2.bias"));
            assertTrue(r.mismatched().contains("layers.2.blocks.0.pos_embed.weight: checkpoint float32[28, 1, 3, 3],"
                    + " model float32[32, 1, 3, 3]"));
            float after = net.getStem().getChildren().get(0).getValue().getParameters().get(0).getValue().getArray()
                    .sum().getFloat();
            assertEquals(before, after, "a refused state dict loads nothing");
        }
    }

    @Test
    void nonStrictLoadingSkipsANewHeadAndSaysSo() throws IOException {
        GoldenCase golden = new GoldenCase("tiny_b");
        SparXConfig thousandClasses = golden.config().toBuilder().setNumClasses(1000).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba net = initialised(thousandClasses, manager);
            LoadReport report = StateDictLoader.load(net, golden.weights(), false);
            assertEquals(List.of("classifier.3.weight: checkpoint float32[10, 48], model float32[1000, 48]",
                    "classifier.3.bias: checkpoint float32[10], model float32[1000]"), report.mismatched());
            assertTrue(report.missing().isEmpty() && report.unexpected().isEmpty());
            assertEquals(golden.weights().size() - 2, report.loaded());
            assertTrue(report.describe().contains("2 keys of another shape or dtype"), report.describe());
        }
    }

    @Test
    void refusesInputsOfTheWrongRankChannelsOrType() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba net = initialised(new GoldenCase("tiny_t").config(), manager);
            ParameterStore ps = new ParameterStore(manager, false);
            List<NDArray> bad = List.of(
                    manager.zeros(new Shape(3, 64, 64)),
                    manager.zeros(new Shape(1, 4, 64, 64)),
                    manager.zeros(new Shape(1, 3, 64, 64), DataType.FLOAT64));
            List<String> named = List.of("(3, 64, 64)", "(1, 4, 64, 64)", "float64");
            for (int i = 0; i < bad.size(); i++) {
                NDArray x = bad.get(i);
                SparxException e = assertThrows(SparxException.class, () -> net.forward(ps, new NDList(x), false));
                assertTrue(e.getMessage().contains("(B, 3, H, W)") && e.getMessage().contains(named.get(i)),
                        e.getMessage());
            }
        }
    }
}
