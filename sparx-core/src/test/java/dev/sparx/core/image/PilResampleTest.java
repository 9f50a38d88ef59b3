package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.SparxException;
import dev.sparx.core.tensor.HostTensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PilResampleTest {

    /** PIL 9.4's {@code Image.resize} of one 40x30 image; keys {@code FILTER_WxH} and {@code source}. */
    private static final Map<String, HostTensor> PIL = Fixtures.npz("resize_expected.npz");

    static Stream<String> cases() {
        return PIL.keySet().stream().filter(k -> !k.equals("source"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPillowExactly(String key) {
        String[] parts = key.split("_");
        String[] size = parts[1].split("x");
        RgbImage source = Fixtures.image(PIL.get("source"));
        RgbImage expected = Fixtures.image(PIL.get(key));

        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        RgbImage actual = PilResample.resize(source, width, height, Interpolation.fromName(parts[0]));

        assertEquals(expected.width(), actual.width());
        assertEquals(expected.height(), actual.height());
        assertArrayEquals(expected.toByteArray(), actual.toByteArray(), key);
    }

    @Test
    void sameSizeIsACopyOfTheSource() {
        RgbImage source = Fixtures.image(PIL.get("source"));
        assertSame(source, PilResample.resize(source, 40, 30, Interpolation.BICUBIC));
    }

    @Test
    void flatImageStaysFlat() {
        byte[] px = new byte[7 * 5 * 3];
        java.util.Arrays.fill(px, (byte) 173);
        RgbImage flat = RgbImage.of(7, 5, px);
        for (Interpolation f : Interpolation.values()) {
            byte[] out = PilResample.resize(flat, 19, 3, f).toByteArray();
            for (byte b : out) {
                assertEquals(173, b & 0xff, f.timmName());
            }
        }
    }

    @Test
    void rejectsEmptyTarget() {
        RgbImage source = Fixtures.image(PIL.get("source"));
        assertThrows(SparxException.class, () -> PilResample.resize(source, 0, 10, Interpolation.BILINEAR));
    }

    @Test
    void parsesTimmNames() {
        assertEquals(Interpolation.BICUBIC, Interpolation.fromName("bicubic"));
        assertEquals(Interpolation.BILINEAR, Interpolation.fromName("BILINEAR"));
        SparxException e = assertThrows(SparxException.class, () -> Interpolation.fromName("lanczos"));
        assertEquals("unknown interpolation 'lanczos'; expected bicubic or bilinear", e.getMessage());
    }
}
