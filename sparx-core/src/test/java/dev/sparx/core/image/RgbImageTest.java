package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.SparxException;
import org.junit.jupiter.api.Test;

class RgbImageTest {

    /** 3x2 image, pixel (x, y) = (10x + y, 100 + x, 200 + y). */
    private static RgbImage small() {
        byte[] px = new byte[3 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int p = (y * 3 + x) * 3;
                px[p] = (byte) (10 * x + y);
                px[p + 1] = (byte) (100 + x);
                px[p + 2] = (byte) (200 + y);
            }
        }
        return RgbImage.of(3, 2, px);
    }

    @Test
    void ofCopiesTheBuffer() {
        byte[] px = new byte[3];
        RgbImage image = RgbImage.of(1, 1, px);
        px[0] = 9;
        assertEquals(0, image.get(0, 0, 0));
    }

    @Test
    void cropOutsideTheImageIsBlack() {
        RgbImage crop = small().crop(-1, 1, 3, 2);
        assertArrayEquals(new int[] {0, 0, 0}, pixel(crop, 0, 0));
        assertArrayEquals(new int[] {1, 100, 201}, pixel(crop, 1, 0));
        assertArrayEquals(new int[] {11, 101, 201}, pixel(crop, 2, 0));
        assertArrayEquals(new int[] {0, 0, 0}, pixel(crop, 1, 1));
    }

    @Test
    void cropEntirelyOutsideIsBlack() {
        RgbImage crop = small().crop(10, 10, 2, 2);
        assertArrayEquals(new byte[2 * 2 * 3], crop.toByteArray());
    }

    @Test
    void flipMirrorsColumns() {
        RgbImage flipped = small().flipHorizontal();
        assertArrayEquals(new int[] {20, 102, 200}, pixel(flipped, 0, 0));
        assertArrayEquals(new int[] {1, 100, 201}, pixel(flipped, 2, 1));
        assertEquals(small(), flipped.flipHorizontal());
    }

    @Test
    void rejectsWrongSizes() {
        assertThrows(SparxException.class, () -> RgbImage.of(2, 2, new byte[11]));
        assertThrows(SparxException.class, () -> RgbImage.of(0, 2, new byte[0]));
        assertThrows(SparxException.class, () -> small().get(3, 0, 0));
    }

    private static int[] pixel(RgbImage image, int x, int y) {
        return new int[] {image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2)};
    }
}
