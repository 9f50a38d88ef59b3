package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Gradients of the mean cross-entropy against the authors' model, all parameters taken together,
 * within 1e-4 relative L2: in eval mode (BatchNorm on running statistics) and in training mode
 * (BatchNorm on batch statistics).
 */
class GoldenGradientTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @CsvSource({"tiny_t, false", "tiny_t, true", "tiny_b, false"})
    void gradientsMatchTheReference(String name, boolean training) throws IOException {
        GoldenCase golden = new GoldenCase(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba net = golden.network(manager);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray input = golden.array("input.npy").toNDArray(manager);
            NDArray labels = golden.array("labels.npy").toNDArray(manager);
            NDArray logits;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                logits = net.forward(ps, new NDList(input), training).singletonOrThrow();
                long batch = logits.getShape().get(0);
                // mean cross-entropy; the 1/B goes into the (gradient-free) one-hot weights, as
                // DJL's scalar operations must not enter the graph (see ChannelAttention)
                NDArray weights = labels.oneHot((int) logits.getShape().get(1)).div(-batch);
                gc.backward(logits.logSoftmax(1).mul(weights).sum());
            }
            if (training) {
                double e = GoldenCase.relativeL2(logits, golden.array("logits_train.npy"));
                assertTrue(e < 2e-5, "training-mode logits: relative L2 error " + e);
            }
            Map<String, HostTensor> expected = golden.arrays(training ? "grads_train.npz" : "grads_eval.npz");
            Map<String, Parameter> params = StateDictKeys.of(net);
            long trainable = params.values().stream().filter(Parameter::requiresGradient).count();
            assertEquals(trainable, expected.size(), "one reference gradient per trainable parameter");
            double num = 0;
            double den = 0;
            for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
                float[] got = params.get(e.getKey()).getArray().getGradient().toFloatArray();
                float[] want = e.getValue().toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    double d = (double) got[i] - want[i];
                    num += d * d;
                    den += (double) want[i] * want[i];
                }
            }
            double err = Math.sqrt(num / den);
            assertTrue(err < TOLERANCE, name + (training ? " train" : " eval") + ": gradients' relative L2 error " + err);
        }
    }
}
