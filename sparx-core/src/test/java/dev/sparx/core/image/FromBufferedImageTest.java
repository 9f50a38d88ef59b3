package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An image ImageIO already decoded (what a DJL {@code Image} wraps) converts to the same pixels as
 * the decoder's own path, including the gray kinds where {@code getRGB} would not.
 */
class FromBufferedImageTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "decode/gray.png", "decode/gray4.png", "decode/bw1.png", "decode/la.png", "decode/la16.png",
        "decode/palette4.png", "decode/palette_trns.png", "decode/rgb16.png", "decode/rgba16.png",
        "decode/rgb.bmp", "decode/palette.gif", "images/kitten.jpg", "images/fox_rgba.png"
    })
    void matchesTheDecoder(String file) throws IOException {
        BufferedImage read = ImageIO.read(Fixtures.path(file).toFile());
        assertEquals(ImageDecoder.decode(Fixtures.path(file)), ImageDecoder.fromBufferedImage(read), file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"decode/la.png", "decode/gray.png"})
    void getRgbWouldDifferForGray(String file) throws IOException {
        BufferedImage read = ImageIO.read(Fixtures.path(file).toFile());
        RgbImage expected = ImageDecoder.decode(Fixtures.path(file));
        int differing = 0;
        for (int y = 0; y < read.getHeight(); y++) {
            for (int x = 0; x < read.getWidth(); x++) {
                if (((read.getRGB(x, y) >> 16) & 0xff) != expected.get(x, y, 0)) {
                    differing++;
                }
            }
        }
        assertNotEquals(0, differing, file + ": getRGB should convert linear gray, which is why the raster is read");
    }
}
