package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DropPathTest {

    @Test
    void dropsWholeSamplesAndKeepsTheExpectation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray branch = manager.ones(new Shape(4000, 2, 3, 3));
            assertSame(branch, DropPath.apply(branch, 0.25, false), "identity in eval mode");
            float[] y = DropPath.apply(branch, 0.25, true).toFloatArray();
            int dropped = 0;
            double sum = 0;
            for (int b = 0; b < 4000; b++) {
                float first = y[b * 18];
                for (int i = 1; i < 18; i++) {
                    assertEquals(first, y[b * 18 + i], "one decision per sample");
                }
                assertTrue(first == 0f || Math.abs(first - 1 / 0.75f) < 1e-6, "kept samples scaled by 1/keep");
                dropped += first == 0f ? 1 : 0;
                sum += first;
            }
            assertEquals(0.25, dropped / 4000.0, 0.03);
            assertEquals(1.0, sum / 4000, 0.05);
        }
    }
}
