package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearRecurrenceTest {

    /** Log-decays from none to total: 0, tiny, ordinary, and strong enough to underflow exp. */
    private static double[] logDecays(Random rnd, int size) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = switch (rnd.nextInt(5)) {
                case 0 -> 0.0;
                case 1 -> -1e-6 * rnd.nextDouble();
                case 2 -> -1e3 * rnd.nextDouble();
                default -> -3 * rnd.nextDouble();
            };
        }
        return a;
    }

    private static double[] normal(Random rnd, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void matchesSequentialRecurrenceAtEveryLength() {
        Random rnd = new Random(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            // around the chunk size, across a padding boundary, and the 56x56 of stage 1
            for (int n : new int[] {1, 2, 7, 8, 9, 63, 64, 65, 200, 3136}) {
                int rows = 6;
                double[] a = logDecays(rnd, rows * n);
                double[] x = normal(rnd, rows * n);
                double[] expected = SequentialReference.recurrence(a, x, n);
                // time runs along the first axis: (n, 2, 3), given as views of (2, 3, n) rows
                NDArray h =
                        LinearRecurrence.scan(
                                manager.create(toFloat(a), new Shape(2, 3, n)).transpose(2, 0, 1),
                                manager.create(toFloat(x), new Shape(2, 3, n)).transpose(2, 0, 1));
                assertEquals(new Shape(n, 2, 3), h.getShape());
                float[] inRows = h.transpose(1, 2, 0).flatten().toFloatArray();
                double err = SequentialReference.relativeL2(SequentialReference.toDouble(inRows), expected);
                assertTrue(err < 1e-6, "length " + n + ": relative L2 error " + err);
            }
        }
    }

    @Test
    void gradientsMatchTheReverseRecurrence() {
        Random rnd = new Random(2);
        int rows = 3;
        int n = 100;
        double[] a = logDecays(rnd, rows * n);
        double[] x = normal(rnd, rows * n);
        double[] w = normal(rnd, rows * n);
        double[] h = SequentialReference.recurrence(a, x, n);
        // loss = sum(w * h): g_t = w_t + exp(a_{t+1}) g_{t+1}; dx_t = g_t; da_t = g_t exp(a_t) h_{t-1}
        double[] dx = new double[rows * n];
        double[] da = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            double g = 0;
            for (int t = n - 1; t >= 0; t--) {
                int i = r * n + t;
                g = w[i] + (t + 1 < n ? Math.exp(a[i + 1]) * g : 0);
                dx[i] = g;
                da[i] = t > 0 ? g * Math.exp(a[i]) * h[i - 1] : 0;
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logDecay = manager.create(a, new Shape(rows, n));
            NDArray input = manager.create(x, new Shape(rows, n));
            NDArray weights = manager.create(w, new Shape(rows, n));
            logDecay.setRequiresGradient(true);
            input.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray states = LinearRecurrence.scan(logDecay.transpose(), input.transpose());
                NDArray loss = states.transpose().mul(weights).sum();
                gc.backward(loss);
            }
            assertTrue(SequentialReference.relativeL2(input.getGradient().toDoubleArray(), dx) < 1e-12);
            assertTrue(SequentialReference.relativeL2(logDecay.getGradient().toDoubleArray(), da) < 1e-12);
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
