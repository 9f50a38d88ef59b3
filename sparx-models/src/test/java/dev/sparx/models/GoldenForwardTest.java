package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The three variants' structure at small width against the authors' model (float64 reference):
 * logits and every stage output within a relative L2 error of 2e-5, once with the native CPU
 * kernels (inference: grad mode off, so the scan, depthwise convolutions and GroupNorm take them
 * where the library is loaded) and once with every NDArray form ({@code sparx.kernels.native=false}).
 */
class GoldenForwardTest {

    private static final double TOLERANCE = 2e-5;
    private static final String NATIVE_KERNELS = "sparx.kernels.native";

    @ParameterizedTest(name = "{0}, native kernels {1}")
    @CsvSource({"tiny_t, true", "tiny_s, true", "tiny_b, true", "tiny_t, false", "tiny_s, false", "tiny_b, false"})
    void logitsAndStageOutputsMatchTheReference(String name, boolean nativeKernels) throws IOException {
        GoldenCase golden = new GoldenCase(name);
        Engine.getInstance(); // loads libtorch, which the grad-mode calls need
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        System.setProperty(NATIVE_KERNELS, Boolean.toString(nativeKernels));
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
        } finally {
            System.clearProperty(NATIVE_KERNELS);
            JniUtils.setGradMode(gradMode);
        }
    }
}
