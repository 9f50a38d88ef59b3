package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three variants' structure at small width against the authors' model (float64 reference):
 * logits and every stage output within a relative L2 error of 2e-5.
 */
class GoldenForwardTest {

    private static final double TOLERANCE = 2e-5;

    @ParameterizedTest
    @ValueSource(strings = {"tiny_t", "tiny_s", "tiny_b"})
    void logitsAndStageOutputsMatchTheReference(String name) throws IOException {
        GoldenCase golden = new GoldenCase(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba net = golden.network(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray input = golden.array("input.npy").toNDArray(manager);

            NDArray logits = net.forward(ps, new NDList(input), false).singletonOrThrow();
            HostTensor expected = golden.array("logits.npy");
            assertArrayEquals(expected.shape(), logits.getShape().getShape());
            double err = GoldenCase.relativeL2(logits, expected);
            assertTrue(err < TOLERANCE, name + " logits: relative L2 error " + err);

            NDList features = net.forwardFeatures(ps, new NDList(input), false);
            for (int s = 0; s < 4; s++) {
                HostTensor stage = golden.array("stage" + (s + 1) + ".npy");
                assertArrayEquals(stage.shape(), features.get(s).getShape().getShape(), "stage " + (s + 1));
                double e = GoldenCase.relativeL2(features.get(s), stage);
                assertTrue(e < TOLERANCE, name + " stage " + (s + 1) + ": relative L2 error " + e);
            }
            long batch = input.getShape().get(0);
            assertArrayEquals(new long[] {batch, net.getConfig().dim(3)}, features.get(4).getShape().getShape());
        }
    }
}
