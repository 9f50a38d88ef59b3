package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainTransformTest {

    private final TrainTransform transform = TrainTransform.imagenet(24, Interpolation.BICUBIC);
    private final RgbImage kitten = Fixtures.image(Fixtures.npz("resize_expected.npz").get("source"));

    @Test
    void outputHasTheModelInputShape() {
        float[] x = transform.apply(kitten, new Random(1));
        assertEquals(3 * 24 * 24, x.length);
    }

    @Test
    void sameSeedSameTensor() {
        assertArrayEquals(transform.apply(kitten, new Random(42)), transform.apply(kitten, new Random(42)));
    }

    @Test
    void differentSeedsDiffer() {
        float[] one = transform.apply(kitten, new Random(1));
        assertFalse(Arrays.equals(one, transform.apply(kitten, new Random(2))));
    }

    @Test
    void cropsStayInsideTheImageWithinScaleAndRatio() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            int w = 1 + random.nextInt(600);
            int h = 1 + random.nextInt(600);
            TrainTransform.Crop c = transform.sampleCrop(w, h, random);
            assertTrue(c.left() >= 0 && c.top() >= 0 && c.width() >= 1 && c.height() >= 1, c.toString());
            assertTrue(c.left() + c.width() <= w && c.top() + c.height() <= h, c + " in " + w + "x" + h);
        }
    }

    @Test
    void sampledCropsCoverTheScaleRange() {
        Random random = new Random(3);
        double smallest = 1;
        double largest = 0;
        for (int i = 0; i < 5000; i++) {
            TrainTransform.Crop c = transform.sampleCrop(500, 400, random);
            double fraction = (double) c.width() * c.height() / (500 * 400);
            smallest = Math.min(smallest, fraction);
            largest = Math.max(largest, fraction);
        }
        assertTrue(smallest < 0.1 && smallest > 0.07, "smallest area fraction " + smallest);
        assertTrue(largest > 0.9, "largest area fraction " + largest);
    }

    @Test
    void fallsBackToACentreCropForVeryWideImages() {
        // 1000x10: no crop of area >= 0.08 and ratio <= 4/3 fits in 10 rows, so after ten tries
        // timm takes the full height and width round(10 * 4/3) = 13, centred.
        assertEquals(new TrainTransform.Crop(493, 0, 13, 10), transform.sampleCrop(1000, 10, new Random(0)));
    }

    @Test
    void augmentIsTheResizedCropOrItsMirror() {
        for (long seed = 0; seed < 8; seed++) {
            TrainTransform.Crop c = transform.sampleCrop(kitten.width(), kitten.height(), new Random(seed));
            RgbImage resized = PilResample.resize(
                    kitten.crop(c.left(), c.top(), c.width(), c.height()), 24, 24, Interpolation.BICUBIC);
            RgbImage out = transform.augment(kitten, new Random(seed));
            assertTrue(out.equals(resized) || out.equals(resized.flipHorizontal()), "seed " + seed);
        }
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(SparxException.class,
                () -> new TrainTransform(
                        224, 0.5, 0.2, 0.75, 1.33, Interpolation.BICUBIC, Normalize.IMAGENET));
        assertThrows(SparxException.class,
                () -> new TrainTransform(224, 0.08, 1, 0, 1.33, Interpolation.BICUBIC, Normalize.IMAGENET));
    }
}
