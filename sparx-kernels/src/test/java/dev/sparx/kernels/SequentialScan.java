package dev.sparx.kernels;

import java.util.Arrays;

/**
 * The four-direction selective scan exactly as ARCHITECTURE.md writes it, in float64: the cross
 * scan materialised as index permutations, the recurrence one channel and one step at a time, and
 * the cross merge as the inverse permutations summed. The reference the kernels are tested
 * against, and the naive loop they are benchmarked against.
 */
final class SequentialScan {

    private SequentialScan() {}

    /**
     * The spatial position that direction k visits at step t.
     *
     * @param k direction: 0 row-major, 1 column-major, 2 and 3 the same reversed
     * @param t step, 0..L-1
     * @param height H
     * @param width W
     * @return index h*W + w into the (H, W) map
     */
    static int position(int k, int t, int height, int width) {
        int length = height * width;
        int s = k >= 2 ? length - 1 - t : t;
        if (k % 2 == 0) {
            return s;
        }
        int w = s / height;
        int h = s % height;
        return h * width + w;
    }

    /**
     * Runs the definition on one case.
     *
     * @param x the inputs, spatial order
     * @return y, (B, D, H, W) flattened
     */
    static double[] crossScanMerge(ScanCase x) {
        int length = x.height * x.width;
        int n = x.state;
        double[] y = new double[x.batch * x.channels * length];
        double[] h = new double[n];
        for (int b = 0; b < x.batch; b++) {
            for (int k = 0; k < ScanShapes.DIRECTIONS; k++) {
                for (int c = 0; c < x.channels; c++) {
                    int kc = k * x.channels + c;
                    Arrays.fill(h, 0.0);
                    for (int t = 0; t < length; t++) {
                        int p = position(k, t, x.height, x.width);
                        double u = x.u[(b * x.channels + c) * length + p];
                        double dt = softplus(x.delta[((b * 4 + k) * x.channels + c) * length + p] + (double) x.bias[kc]);
                        double out = x.d[kc] * u;
                        for (int i = 0; i < n; i++) {
                            int bc = ((b * 4 + k) * n + i) * length + p;
                            h[i] = Math.exp(dt * x.a[kc * n + i]) * h[i] + dt * x.b[bc] * u;
                            out += x.c[bc] * h[i];
                        }
                        y[(b * x.channels + c) * length + p] += out;
                    }
                }
            }
        }
        return y;
    }

    /** torch.nn.functional.softplus, beta 1, threshold 20. */
    static double softplus(double x) {
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    /**
     * @param actual the values under test
     * @param expected the reference
     * @return ||actual - expected|| / ||expected||
     */
    static double relativeL2(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values against " + expected.length);
        }
        double error = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double diff = actual[i] - expected[i];
            error += diff * diff;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(error / norm);
    }
}
