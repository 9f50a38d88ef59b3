package dev.sparx.kernels;

/**
 * The four-direction selective scan of ARCHITECTURE.md computed the slow, obvious way in float64:
 * the reference the NDArray implementation is tested against. Arrays are flat, row-major.
 */
final class SequentialReference {

    private SequentialReference() {}

    /**
     * The spatial position (h * W + w) visited at step t of direction k.
     */
    static int position(int k, int t, int height, int width) {
        int l = height * width;
        int s = k >= 2 ? l - 1 - t : t;
        if (k % 2 == 0) {
            return s;
        }
        int h = s % height;
        int w = s / height;
        return h * width + w;
    }

    /**
     * Shapes as in {@link SelectiveScan#crossScanMerge}: u (B, D, H, W), delta (B, K, D, H, W),
     * a (K*D, N), b and c (B, K, N, H, W), d and deltaBias (K*D).
     *
     * @return (B, D, H, W)
     */
    static double[] crossScanMerge(
            double[] u, double[] delta, double[] a, double[] b, double[] c, double[] d, double[] deltaBias,
            int batch, int channels, int n, int height, int width) {
        int l = height * width;
        int k4 = 4;
        double[] out = new double[batch * channels * l];
        double[] state = new double[n];
        for (int bi = 0; bi < batch; bi++) {
            for (int k = 0; k < k4; k++) {
                for (int ch = 0; ch < channels; ch++) {
                    int kd = k * channels + ch;
                    java.util.Arrays.fill(state, 0);
                    for (int t = 0; t < l; t++) {
                        int p = position(k, t, height, width);
                        double ut = u[(bi * channels + ch) * l + p];
                        double raw = delta[((bi * k4 + k) * channels + ch) * l + p] + deltaBias[kd];
                        double dt = raw > 20 ? raw : Math.log1p(Math.exp(raw));
                        double y = d[kd] * ut;
                        for (int s = 0; s < n; s++) {
                            int bc = ((bi * k4 + k) * n + s) * l + p;
                            state[s] = Math.exp(dt * a[kd * n + s]) * state[s] + dt * b[bc] * ut;
                            y += c[bc] * state[s];
                        }
                        out[(bi * channels + ch) * l + p] += y;
                    }
                }
            }
        }
        return out;
    }

    /** h_t = exp(a_t) h_{t-1} + x_t over rows of length n. */
    static double[] recurrence(double[] logDecay, double[] x, int n) {
        double[] h = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double state = 0;
            for (int t = 0; t < n; t++) {
                int i = r * n + t;
                state = Math.exp(logDecay[i]) * state + x[i];
                h[i] = state;
            }
        }
        return h;
    }

    static double relativeL2(double[] actual, double[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = actual[i] - expected[i];
            num += e * e;
            den += expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }

    static double[] toDouble(float[] f) {
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }
}
