package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CrossScanMergeTest {

    private static final int B = 2;
    private static final int C = 3;
    private static final int H = 2;
    private static final int W = 5;
    private static final int L = H * W;

    private static float[] iota(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void scanReadsEachDirectionsOwnMapInItsOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] x = iota(B * 4 * C * L);
            NDArray scanned = CrossScan.apply(manager.create(x, new Shape(B, 4, C, H, W)));
            assertEquals(new Shape(L, B, 4, C), scanned.getShape());
            float[] got = scanned.toFloatArray();
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < 4; k++) {
                    for (int c = 0; c < C; c++) {
                        for (int t = 0; t < L; t++) {
                            float expected = x[((b * 4 + k) * C + c) * L + SequentialReference.position(k, t, H, W)];
                            assertEquals(expected, got[((t * B + b) * 4 + k) * C + c], "b" + b + " k" + k + " t" + t);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mergeSumsDirectionsBackInSpatialOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = iota(B * 4 * C * L);
            float[] expected = new float[B * C * L];
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < 4; k++) {
                    for (int c = 0; c < C; c++) {
                        for (int t = 0; t < L; t++) {
                            expected[(b * C + c) * L + SequentialReference.position(k, t, H, W)] +=
                                    y[((t * B + b) * 4 + k) * C + c];
                        }
                    }
                }
            }
            NDArray merged = CrossMerge.apply(manager.create(y, new Shape(L, B, 4, C)), H, W);
            assertEquals(new Shape(B, C, H, W), merged.getShape());
            assertArrayEquals(expected, merged.toFloatArray());
        }
    }
}
