package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native GroupNorm against the float64 definition and libtorch's layer norm, and its checks. */
class GroupNormalizationTest extends NativeKernelTest {

    private static final float EPS = 1e-5f;

    /** shape, the inputs' mean and spread */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new Shape(2, 5, 7, 9), 0.0, 1.0),
                // large enough to be shared by three threads
                Arguments.of(new Shape(1, 40, 56, 56), 0.5, 2.0),
                Arguments.of(new Shape(3, 4, 13), -1.0, 0.1),
                // 14x14 planes: tasks of 20 planes, the last one partial, on three threads
                Arguments.of(new Shape(1, 710, 14, 14), 0.0, 1.0),
                Arguments.of(new Shape(2, 1, 1, 1), 0.0, 1.0),
                // a mean far above the spread: a one-pass float32 variance would lose it all
                Arguments.of(new Shape(2, 8, 9, 9), 300.0, 0.5),
                // constant samples: variance 0, the output is beta
                Arguments.of(new Shape(1, 3, 4, 4), 2.0, 0.0));
    }

    @ParameterizedTest(name = "{0} mean {1} spread {2}")
    @MethodSource("cases")
    void matchesTheDefinition(Shape shape, double mean, double spread) {
        Random random = new Random(shape.size());
        int batch = (int) shape.get(0);
        int channels = (int) shape.get(1);
        int n = (int) shape.size();
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (mean + spread * random.nextGaussian());
        }
        float[] gamma = new float[channels];
        float[] beta = new float[channels];
        for (int c = 0; c < channels; c++) {
            gamma[c] = (float) random.nextGaussian();
            beta[c] = (float) random.nextGaussian();
        }
        double[] expected = reference(x, gamma, beta, batch, channels);
        NDArray xa = manager.create(x, shape);
        NDArray ga = manager.create(gamma);
        NDArray ba = manager.create(beta);
        assertMatchesEverywhere("GroupNorm", shape, expected,
                (threads, limit) -> GroupNormalization.nativeKernel(xa, ga, ba, EPS, threads, limit));
        if (mean < 100) { // libtorch's float32 statistics are not the reference where the mean dwarfs the spread
            try (NDArray y = GroupNormalization.portable(xa, ga, ba, EPS)) {
                assertNear("libtorch", expected, y);
            }
        }
    }

    @Test
    void badArgumentsAreExceptions() {
        NDArray x = manager.zeros(new Shape(2, 4, 3, 3));
        NDArray g = manager.ones(new Shape(4));
        SparxException e = assertThrows(SparxException.class,
                () -> GroupNormalization.nativeKernel(x, manager.ones(new Shape(3)), g, EPS, 1, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("weight (3) and bias (4) must both be (4)"), e::getMessage);
        e = assertThrows(SparxException.class,
                () -> GroupNormalization.nativeKernel(manager.zeros(new Shape(4)), g, g, EPS, 1, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("expected (B, C, ...)"), e::getMessage);
        e = assertThrows(SparxException.class, () -> GroupNormalization.nativeKernel(x, g, g, -1, 1, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("eps must be at least 0"), e::getMessage);
    }

    /** Per sample: two-pass mean and biased variance in float64, then the per-channel affine. */
    private static double[] reference(float[] x, float[] gamma, float[] beta, int batch, int channels) {
        int perSample = x.length / batch;
        int spatial = perSample / channels;
        double[] y = new double[x.length];
        for (int b = 0; b < batch; b++) {
            double sum = 0;
            for (int i = 0; i < perSample; i++) {
                sum += x[b * perSample + i];
            }
            double mean = sum / perSample;
            double squares = 0;
            for (int i = 0; i < perSample; i++) {
                double d = x[b * perSample + i] - mean;
                squares += d * d;
            }
            double rstd = 1 / Math.sqrt(squares / perSample + EPS);
            for (int i = 0; i < perSample; i++) {
                int c = i / spatial;
                y[b * perSample + i] = (x[b * perSample + i] - mean) * rstd * gamma[c] + beta[c];
            }
        }
        return y;
    }
}
