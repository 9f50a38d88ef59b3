package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.sparx.core.SparxException;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native depthwise convolution against the float64 definition and libtorch, and its checks. */
class DepthwiseConvolutionTest extends NativeKernelTest {

    /** batch, channels, height, width, kernel, stride, bias */
    static Stream<Arguments> cases() {
        return Stream.of(
                // widths below, at and past one 8-lane vector, none a multiple of it but one
                Arguments.of(2, 3, 7, 13, 3, 1, true),
                Arguments.of(1, 5, 9, 8, 5, 1, true),
                Arguments.of(3, 2, 1, 1, 3, 1, false),
                Arguments.of(1, 4, 1, 17, 5, 1, true),
                Arguments.of(1, 2, 12, 1, 7, 1, true),
                // the 16-lane AVX-512 copy takes maps at least 16 wide: one wide vector, one and a
                // bit, two and a bit, with a stride
                Arguments.of(2, 3, 5, 16, 3, 1, true),
                Arguments.of(1, 4, 6, 31, 5, 1, true),
                Arguments.of(1, 3, 9, 33, 3, 2, false),
                // a stage-1 map, large enough to be shared by three threads
                Arguments.of(1, 32, 56, 56, 3, 1, true),
                // stage 3's 14x14 planes: tasks of 20 planes, the last one partial, on three threads
                Arguments.of(1, 710, 14, 14, 3, 1, true),
                // a kernel wider than the map
                Arguments.of(2, 3, 4, 3, 9, 1, true),
                // the q/k reductions (kernel r + 1, stride r) of stages 3, 2 and 1
                Arguments.of(1, 40, 14, 14, 3, 2, false),
                Arguments.of(2, 24, 28, 28, 5, 4, false),
                Arguments.of(1, 12, 56, 56, 9, 8, false),
                // sizes not multiples of the stride, and an odd stride
                Arguments.of(2, 3, 7, 13, 3, 2, true),
                Arguments.of(1, 4, 10, 9, 3, 3, true),
                Arguments.of(1, 2, 1, 5, 5, 4, true));
    }

    @ParameterizedTest(name = "B={0} C={1} {2}x{3} k={4} stride={5} bias={6}")
    @MethodSource("cases")
    void matchesTheDefinition(int batch, int channels, int height, int width, int kernel, int stride,
            boolean withBias) {
        Random random = new Random(31L * batch + 7L * channels + height * 3L + width + kernel);
        // inputs spread wide enough that GELU and SiLU see their tails
        float[] x = gaussian(random, batch * channels * height * width, 3);
        float[] w = gaussian(random, channels * kernel * kernel, 1);
        float[] b = withBias ? gaussian(random, channels, 1) : null;
        float[] shift = gaussian(random, channels, 1);
        NDArray xa = manager.create(x, new Shape(batch, channels, height, width));
        NDArray wa = manager.create(w, new Shape(channels, 1, kernel, kernel));
        NDArray ba = withBias ? manager.create(b) : null;
        // without and with an input bias: the definition convolves (and adds as residual) x + shift
        for (float[] inputBias : new float[][] {null, shift}) {
            float[] shifted = x.clone();
            if (inputBias != null) {
                for (int i = 0; i < shifted.length; i++) {
                    shifted[i] += inputBias[i / (height * width) % channels];
                }
            }
            NDArray ia = inputBias == null ? null : manager.create(inputBias);
            double[] conv = reference(shifted, w, b, batch, channels, height, width, kernel, stride);
            for (Epilogue epilogue : Epilogue.values()) {
                if (stride > 1 && (epilogue == Epilogue.RESIDUAL || epilogue == Epilogue.RESIDUAL_GELU)) {
                    continue;
                }
                double[] expected = new double[conv.length];
                for (int i = 0; i < conv.length; i++) {
                    expected[i] = epilogue(epilogue, conv[i], shifted[i]);
                }
                String what = epilogue + (inputBias == null ? "" : " with an input bias");
                assertMatchesEverywhere(what, new Shape(batch, channels, (height + stride - 1) / stride,
                        (width + stride - 1) / stride), expected, (threads, limit) ->
                        DepthwiseConvolution.nativeKernel(xa, ia, wa, ba, stride, epilogue, threads, limit));
                try (NDArray y = DepthwiseConvolution.portable(xa, ia, wa, ba, stride, epilogue)) {
                    assertNear(what + " (libtorch)", expected, y);
                }
            }
        }
    }

    @Test
    void recordingGradientsTakesTheDifferentiableForm() {
        NDArray x = manager.randomNormal(new Shape(1, 4, 6, 6));
        NDArray w = manager.randomNormal(new Shape(4, 1, 3, 3));
        NDArray b = manager.randomNormal(new Shape(4));
        w.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray y = DepthwiseConvolution.apply(x, null, w, b, 1, Epilogue.RESIDUAL_GELU);
            assertThrows(SparxException.class,
                    () -> DepthwiseConvolution.nativeKernel(x, null, w, b, 1, Epilogue.NONE, 1, IsaLimit.NONE));
            collector.backward(y.sum());
        }
        assertNotNull(w.getGradient());
        assertTrue(w.getGradient().abs().sum().getFloat() > 0);
    }

    @Test
    void inferenceTakesTheKernelAndTheSwitchTurnsItOff() {
        NDArray x = manager.randomNormal(new Shape(2, 3, 5, 11));
        NDArray w = manager.randomNormal(new Shape(3, 1, 5, 5));
        NDArray b = manager.randomNormal(new Shape(3));
        float[] kernel = DepthwiseConvolution.nativeKernel(x, null, w, b, 2, Epilogue.SILU, 1, IsaLimit.NONE).toFloatArray();
        assertArrayEquals(kernel, DepthwiseConvolution.apply(x, null, w, b, 2, Epilogue.SILU).toFloatArray());
        System.setProperty(NativeKernels.AUTO_PROPERTY, "false");
        try {
            float[] portable = DepthwiseConvolution.portable(x, null, w, b, 2, Epilogue.SILU).toFloatArray();
            assertArrayEquals(portable, DepthwiseConvolution.apply(x, null, w, b, 2, Epilogue.SILU).toFloatArray());
        } finally {
            System.clearProperty(NativeKernels.AUTO_PROPERTY);
        }
    }

    @Test
    void kernelsTooWideForTheNativeKernelTakeLibtorch() {
        NDArray x = manager.randomNormal(new Shape(1, 2, 9, 9));
        NDArray w = manager.randomNormal(new Shape(2, 1, 17, 17));
        assertArrayEquals(DepthwiseConvolution.portable(x, null, w, null, 1, Epilogue.GELU).toFloatArray(),
                DepthwiseConvolution.apply(x, null, w, null, 1, Epilogue.GELU).toFloatArray());
    }

    @Test
    void badArgumentsAreExceptions() {
        NDArray x = manager.zeros(new Shape(1, 4, 5, 5));
        NDArray w = manager.zeros(new Shape(4, 1, 3, 3));
        NDArray b = manager.zeros(new Shape(4));
        assertMessage("weight has shape (4, 1, 2, 2)",
                () -> DepthwiseConvolution.nativeKernel(x, null, manager.zeros(new Shape(4, 1, 2, 2)), b, 1, Epilogue.NONE, 1,
                        IsaLimit.NONE));
        assertMessage("weight has shape (3, 1, 3, 3)",
                () -> DepthwiseConvolution.portable(x, null, manager.zeros(new Shape(3, 1, 3, 3)), b, 1, Epilogue.NONE));
        assertMessage("bias has shape (5)",
                () -> DepthwiseConvolution.nativeKernel(x, null, w, manager.zeros(new Shape(5)), 1, Epilogue.NONE, 1,
                        IsaLimit.NONE));
        assertMessage("x has shape (4, 5, 5)",
                () -> DepthwiseConvolution.nativeKernel(manager.zeros(new Shape(4, 5, 5)), null, w, b, 1, Epilogue.NONE, 1,
                        IsaLimit.NONE));
        assertMessage("threads is 0",
                () -> DepthwiseConvolution.nativeKernel(x, null, w, b, 1, Epilogue.NONE, 0, IsaLimit.NONE));
        assertMessage("at most 15x15", () -> DepthwiseConvolution.nativeKernel(x, null,
                manager.zeros(new Shape(4, 1, 17, 17)), b, 1, Epilogue.NONE, 1, IsaLimit.NONE));
        assertMessage("float32 on the CPU", () -> DepthwiseConvolution.nativeKernel(
                x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false), null, w, b, 1, Epilogue.NONE, 1,
                IsaLimit.NONE));
        assertMessage("stride 0; expected at least 1",
                () -> DepthwiseConvolution.nativeKernel(x, null, w, b, 0, Epilogue.NONE, 1, IsaLimit.NONE));
        assertMessage("needs stride 1; got stride 2",
                () -> DepthwiseConvolution.apply(x, null, w, b, 2, Epilogue.RESIDUAL_GELU));
        assertMessage("needs stride 1; got stride 2",
                () -> DepthwiseConvolution.portable(x, null, w, b, 2, Epilogue.RESIDUAL));
        assertMessage("inputBias has shape (3)",
                () -> DepthwiseConvolution.nativeKernel(x, manager.zeros(new Shape(3)), w, b, 1, Epilogue.NONE, 1,
                        IsaLimit.NONE));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        SparxException e = assertThrows(SparxException.class, call);
        assertTrue(e.getMessage().contains(part), e::getMessage);
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    /** The convolution in float64, as torch defines it: zero padding k/2, the given stride. */
    static double[] reference(float[] x, float[] w, float[] b, int batch, int channels, int height, int width,
            int kernel, int stride) {
        int pad = kernel / 2;
        int outHeight = (height + 2 * pad - kernel) / stride + 1;
        int outWidth = (width + 2 * pad - kernel) / stride + 1;
        double[] y = new double[batch * channels * outHeight * outWidth];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int plane = (n * channels + c) * height * width;
                int outPlane = (n * channels + c) * outHeight * outWidth;
                for (int i = 0; i < outHeight; i++) {
                    for (int j = 0; j < outWidth; j++) {
                        double sum = b == null ? 0 : b[c];
                        for (int u = 0; u < kernel; u++) {
                            for (int v = 0; v < kernel; v++) {
                                int r = i * stride + u - pad;
                                int s = j * stride + v - pad;
                                if (r >= 0 && r < height && s >= 0 && s < width) {
                                    sum += (double) w[(c * kernel + u) * kernel + v] * x[plane + r * width + s];
                                }
                            }
                        }
                        y[outPlane + i * outWidth + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static double epilogue(Epilogue e, double y, double x) {
        switch (e) {
            case SILU:
                return y / (1 + Math.exp(-y));
            case GELU:
                return gelu(y);
            case RESIDUAL:
                return x + y;
            case RESIDUAL_GELU:
                return gelu(x + y);
            default:
                return y;
        }
    }

    private static double gelu(double x) {
        return 0.5 * x * Erf.onePlusErf(x / Math.sqrt(2));
    }
}
