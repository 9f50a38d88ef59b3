package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.util.Random;

/**
 * The float32 inputs of one scan call in spatial order, as plain arrays (for the float64
 * {@link SequentialReference}) and as NDArrays (for the implementations under test), so both see
 * identical values.
 */
final class ScanCase {

    final int batch;
    final int channels;
    final int state;
    final int height;
    final int width;
    final float[] u;
    final float[] delta;
    final float[] a;
    final float[] b;
    final float[] c;
    final float[] d;
    final float[] bias;

    ScanCase(int batch, int channels, int state, int height, int width, float[] u, float[] delta, float[] a,
            float[] b, float[] c, float[] d, float[] bias) {
        this.batch = batch;
        this.channels = channels;
        this.state = state;
        this.height = height;
        this.width = width;
        this.u = u;
        this.delta = delta;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        this.bias = bias;
    }

    /**
     * Random inputs shaped like a trained model's: dt_bias = softplus^-1 of a step in [1e-3, 1e-1]
     * (log-uniform, the initialisation's range), A = -exp(N(0, 1)) * decayScale, u, B, C, delta
     * uniform in [-1, 1] (delta scaled by deltaScale), D in [0, 2].
     *
     * @param seed random seed
     * @param deltaScale delta's range; 100 drives softplus past both its thresholds
     * @param decayScale A's scale; 1e-6 makes dA within 1e-7 of 1 (long memory), 1e3 makes it 0
     */
    static ScanCase random(long seed, int batch, int channels, int state, int height, int width, double deltaScale,
            double decayScale) {
        Random random = new Random(seed);
        int length = height * width;
        int kd = ScanShapes.DIRECTIONS * channels;
        float[] a = new float[kd * state];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (-Math.exp(random.nextGaussian()) * decayScale);
        }
        float[] bias = new float[kd];
        float[] d = new float[kd];
        for (int i = 0; i < kd; i++) {
            double step = Math.exp(Math.log(1e-3) + random.nextDouble() * Math.log(100));
            bias[i] = (float) (step + Math.log(-Math.expm1(-step)));
            d[i] = (float) (2 * random.nextDouble());
        }
        return new ScanCase(batch, channels, state, height, width,
                uniform(random, batch * channels * length, 1),
                uniform(random, batch * kd * length, deltaScale), a,
                uniform(random, batch * 4 * state * length, 1),
                uniform(random, batch * 4 * state * length, 1), d, bias);
    }

    private static float[] uniform(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * scale);
        }
        return values;
    }

    /**
     * @param manager owner of the arrays
     * @return u, delta, a, b, c, d, deltaBias as float32 NDArrays in the interface's shapes
     */
    NDArray[] toNDArrays(NDManager manager) {
        int kd = ScanShapes.DIRECTIONS * channels;
        return new NDArray[] {
            manager.create(u, new Shape(batch, channels, height, width)),
            manager.create(delta, new Shape(batch, ScanShapes.DIRECTIONS, channels, height, width)),
            manager.create(a, new Shape(kd, state)),
            manager.create(b, new Shape(batch, ScanShapes.DIRECTIONS, state, height, width)),
            manager.create(c, new Shape(batch, ScanShapes.DIRECTIONS, state, height, width)),
            manager.create(d, new Shape(kd)),
            manager.create(bias, new Shape(kd)),
        };
    }

    /** @return the float64 definition's output for these inputs, (B, D, H, W) flattened */
    double[] reference() {
        return SequentialReference.crossScanMerge(SequentialReference.toDouble(u), SequentialReference.toDouble(delta),
                SequentialReference.toDouble(a), SequentialReference.toDouble(b), SequentialReference.toDouble(c),
                SequentialReference.toDouble(d), SequentialReference.toDouble(bias), batch, channels, state, height,
                width);
    }

    /**
     * @param scan the implementation under test
     * @param manager owner of the arrays
     * @return ||scan's output - the definition's|| / ||the definition's||
     */
    double relativeError(SelectiveScan scan, NDManager manager) {
        return relativeError(run(scan, manager), reference());
    }

    /**
     * @param actual float32 values under test
     * @param expected the float64 reference
     * @return ||actual - expected|| / ||expected||
     */
    static double relativeError(float[] actual, double[] expected) {
        return SequentialReference.relativeL2(SequentialReference.toDouble(actual), expected);
    }

    /**
     * @param scan the implementation under test
     * @param manager owner of the arrays
     * @return its output as floats, (B, D, H, W) flattened
     */
    float[] run(SelectiveScan scan, NDManager manager) {
        try (NDArray y = call(scan, toNDArrays(manager))) {
            return y.toFloatArray();
        }
    }

    /**
     * @param scan an implementation
     * @param in u, delta, a, b, c, d, deltaBias
     * @return its output
     */
    static NDArray call(SelectiveScan scan, NDArray... in) {
        return scan.crossScanMerge(in[0], in[1], in[2], in[3], in[4], in[5], in[6]);
    }

    /**
     * Asserts that a call is refused with a {@link SparxException} whose message contains a text.
     *
     * @param scan an implementation
     * @param expected part of the message
     * @param in u, delta, a, b, c, d, deltaBias
     */
    static void assertRefused(SelectiveScan scan, String expected, NDArray... in) {
        SparxException e = assertThrows(SparxException.class, () -> call(scan, in));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Override
    public String toString() {
        return "B=" + batch + " D=" + channels + " N=" + state + " H=" + height + " W=" + width;
    }
}
