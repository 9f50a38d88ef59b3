package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The native layer-scaled residual against the float64 definition and the NDArray form, and its checks. */
class LayerScaleResidualTest extends NativeKernelTest {

    static Stream<Shape> shapes() {
        return Stream.of(
                new Shape(2, 5, 7, 9),
                // large enough to be shared by three threads; 14x14 planes, tasks of 20 planes
                new Shape(1, 710, 14, 14),
                // planes shorter than a vector, and of one element
                new Shape(3, 4, 5),
                new Shape(2, 3, 1, 1));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesTheDefinition(Shape shape) {
        Random random = new Random(shape.size());
        int channels = (int) shape.get(1);
        int n = (int) shape.size();
        int plane = n / (int) (shape.get(0) * channels);
        float[] x = new float[n];
        float[] branch = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
            branch[i] = (float) random.nextGaussian();
        }
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) (1e-2 * random.nextGaussian());
            shift[c] = (float) random.nextGaussian();
        }
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            int c = i / plane % channels;
            expected[i] = ((double) x[i] * scale[c] + shift[c]) + branch[i];
        }
        NDArray xa = manager.create(x, shape);
        NDArray ba = manager.create(branch, shape);
        NDArray sa = manager.create(scale);
        NDArray ta = manager.create(shift);
        assertMatchesEverywhere("layer-scaled residual", shape, expected,
                (threads, limit) -> LayerScaleResidual.nativeKernel(xa, sa, ta, ba, threads, limit));
        try (NDArray y = LayerScaleResidual.portable(xa, sa, ta, ba)) {
            assertNear("NDArray form", expected, y);
        }
    }

    @Test
    void badArgumentsAreExceptions() {
        NDArray x = manager.zeros(new Shape(2, 4, 3, 3));
        NDArray s = manager.ones(new Shape(4));
        SparxException e = assertThrows(SparxException.class,
                () -> LayerScaleResidual.nativeKernel(x, manager.ones(new Shape(3)), s, x, 1, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("scale (3) and shift (4) must both be (4)"), e::getMessage);
        e = assertThrows(SparxException.class, () -> LayerScaleResidual.nativeKernel(x, s, s,
                manager.zeros(new Shape(2, 4, 3, 4)), 1, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("branch has shape (2, 4, 3, 4); expected x's (2, 4, 3, 3)"),
                e::getMessage);
        e = assertThrows(SparxException.class,
                () -> LayerScaleResidual.portable(manager.zeros(new Shape(4)), s, s, manager.zeros(new Shape(4))));
        assertTrue(e.getMessage().contains("expected (B, C, ...)"), e::getMessage);
        e = assertThrows(SparxException.class, () -> LayerScaleResidual.nativeKernel(x, s, s, x, 0, IsaLimit.NONE));
        assertTrue(e.getMessage().contains("threads is 0"), e::getMessage);
    }

    @Test
    void theNativeSideChecksItsBuffers() {
        ByteBuffer full = floats(18);
        ByteBuffer four = floats(4);
        assertEquals("branch: buffer holds 17 floats, the shapes need 18",
                NativeKernels.layerScaleResidual(full, four, four, floats(17), floats(18), 1, 2, 9, 1, 0));
        assertEquals("every dimension must be at least 1",
                NativeKernels.layerScaleResidual(full, four, four, full, floats(18), 1, 0, 9, 1, 0));
        assertEquals("threads must be at least 1",
                NativeKernels.layerScaleResidual(full, four, four, full, floats(18), 1, 2, 9, 0, 0));
    }

    private static ByteBuffer floats(int count) {
        return ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
    }
}
