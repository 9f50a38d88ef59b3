package dev.sparx.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FashionMnistTransformTest {

    /** A 3x3 image with one white pixel at column 0, row 1. */
    private static final GrayImage DOT = new GrayImage(3, 3, new byte[] {0, 0, 0, (byte) 255, 0, 0, 0, 0, 0});

    private static float norm(float v, int c) {
        // ImageNet statistics, as timm's IMAGENET_DEFAULT_MEAN and _STD
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        return (v - mean[c]) / std[c];
    }

    @Test
    void evalCopiesGrayToThreeNormalisedChannels() {
        float[] out = new float[27];
        FashionMnistTransform.eval(3).apply(DOT, new SplittableRandom(1), out, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(norm(1f, c), out[c * 9 + 3], 1e-6);
            assertEquals(norm(0f, c), out[c * 9], 1e-6);
        }
    }

    @Test
    void aLargerSideCentresTheImageOnBlack() {
        float[] out = new float[3 * 25];
        FashionMnistTransform.eval(5).apply(DOT, new SplittableRandom(1), out, 0);
        // the dot moves from (0, 1) to (1, 2); everything else is black
        for (int i = 0; i < 25; i++) {
            assertEquals(i == 2 * 5 + 1 ? norm(1f, 0) : norm(0f, 0), out[i], 1e-6, "pixel " + i);
        }
        assertThrows(SparxException.class, () -> FashionMnistTransform.eval(2).apply(DOT, null, out, 0));
    }

    @Test
    void trainingFlipsHalfTheTimeAndDependsOnlyOnTheGenerator() {
        FashionMnistTransform t = FashionMnistTransform.train(3);
        float[] out = new float[27];
        int flipped = 0;
        for (int seed = 0; seed < 400; seed++) {
            t.apply(DOT, new SplittableRandom(seed), out, 0);
            // the dot is at column 0 of row 1, or mirrored to column 2
            boolean left = out[3] > 0;
            boolean right = out[5] > 0;
            assertTrue(left ^ right, "seed " + seed);
            flipped += right ? 1 : 0;
        }
        assertTrue(flipped > 150 && flipped < 250, flipped + " of 400 flipped");
        float[] a = new float[27];
        float[] b = new float[27];
        t.apply(DOT, new SplittableRandom(5), a, 0);
        t.apply(DOT, new SplittableRandom(5), b, 0);
        assertArrayEquals(a, b);
    }
}
