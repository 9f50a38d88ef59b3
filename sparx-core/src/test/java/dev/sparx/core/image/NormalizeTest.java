package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.SparxException;
import org.junit.jupiter.api.Test;

class NormalizeTest {

    @Test
    void layoutIsChannelsFirst() {
        // 2x1 image: black, then white.
        RgbImage image = RgbImage.of(2, 1, new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        float[] x = Normalize.IMAGENET.apply(image);
        float[] mean = Normalize.IMAGENET.mean();
        float[] std = Normalize.IMAGENET.std();
        for (int c = 0; c < 3; c++) {
            assertEquals(-mean[c] / std[c], x[2 * c], 1e-6, "black, channel " + c);
            assertEquals((1 - mean[c]) / std[c], x[2 * c + 1], 1e-6, "white, channel " + c);
        }
    }

    @Test
    void rejectsBadStatistics() {
        assertThrows(SparxException.class, () -> new Normalize(new float[] {0, 0}, new float[] {1, 1, 1}));
        assertThrows(SparxException.class, () -> new Normalize(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
    }
}
