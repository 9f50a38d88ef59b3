package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A depthwise convolution, BatchNorm and GELU in a {@link NamedSequential}: in eval mode the
 * BatchNorm is folded into the convolution and GELU fused into it, which must give what the three
 * steps give one after the other; in training mode the BatchNorm still uses the batch's statistics.
 */
class NamedSequentialTest {

    @Test
    void foldsAnEvalBatchNormAndTheActivationIntoTheDepthwiseConvolution() {
        int channels = 6;
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, channels, 14, 13);
            for (int stride : new int[] {1, 2}) {
                DepthwiseConv2d conv = Convolutions.depthwise(channels, 3, stride, stride == 1);
                BatchNorm2d bn = new BatchNorm2d(channels);
                Pointwise gelu = Pointwise.gelu();
                NamedSequential fused = new NamedSequential().add("0", conv).add("1", bn).add("2", gelu);
                fused.initialize(manager, DataType.FLOAT32, shape);
                // running statistics and an affine far from the identity, so that the fold shows
                Map<String, ai.djl.nn.Parameter> p = StateDictKeys.of(bn);
                p.get("running_mean").getArray().set(new float[] {0.5f, -1, 2, 0, 3, -0.25f});
                p.get("running_var").getArray().set(new float[] {0.25f, 4, 1, 9, 0.5f, 2});
                p.get("weight").getArray().set(new float[] {2, -1, 0.5f, 1.5f, 3, 0.75f});
                p.get("bias").getArray().set(new float[] {-0.5f, 1, 0.25f, 0, -2, 0.5f});
                NDArray x = manager.randomNormal(0, 2, shape, DataType.FLOAT32);
                ParameterStore ps = new ParameterStore(manager, false);
                float[] expected = step(gelu, ps, step(bn, ps, step(conv, ps, x))).toFloatArray();
                float[] actual = fused.forward(ps, new NDList(x), false).head().toFloatArray();
                assertEquals(expected.length, actual.length);
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < expected.length; i++) {
                    diff += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
                    norm += expected[i] * (double) expected[i];
                }
                double relative = Math.sqrt(diff / norm);
                assertTrue(relative < 1e-6, "stride " + stride + ": relative L2 " + relative);

                // training: the batch's statistics, so the fold must not apply
                float[] trainingExpected = step(gelu, ps, training(bn, ps, training(conv, ps, x))).toFloatArray();
                float[] trainingActual = fused.forward(ps, new NDList(x), true).head().toFloatArray();
                for (int i = 0; i < trainingExpected.length; i++) {
                    assertEquals(trainingExpected[i], trainingActual[i], 1e-5f);
                }
            }
        }
    }

    private static NDArray step(Block block, ParameterStore ps, NDArray x) {
        return block.forward(ps, new NDList(x), false).head();
    }

    private static NDArray training(Block block, ParameterStore ps, NDArray x) {
        return block.forward(ps, new NDList(x), true).head();
    }
}
