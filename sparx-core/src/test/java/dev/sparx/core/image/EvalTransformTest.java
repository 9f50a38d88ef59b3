package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparx.core.SparxException;
import dev.sparx.core.tensor.HostTensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvalTransformTest {

    /** The golden README's tolerance: absolute, after normalisation. */
    private static final double TOLERANCE = 1e-5;

    private static final Map<String, HostTensor> EXPECTED = Fixtures.npz("expected.npz");
    private static double worst;

    static Stream<String> goldenCases() {
        return EXPECTED.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("goldenCases")
    void matchesTimmEvalTransform(String key) {
        // key: NAME.cropNN, e.g. kitten_cmyk.jpg.crop95
        String image = key.substring(0, key.lastIndexOf('.'));
        double cropPct = Integer.parseInt(key.substring(key.lastIndexOf(".crop") + 5)) / 100.0;
        float[] expected = EXPECTED.get(key).toFloatArray();
        assertArrayEquals(new long[] {3, 224, 224}, EXPECTED.get(key).shape());

        EvalTransform t = EvalTransform.imagenet(224, cropPct, Interpolation.BICUBIC);
        float[] actual = t.apply(Fixtures.path("images/" + image));

        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        synchronized (EvalTransformTest.class) {
            worst = Math.max(worst, max);
        }
        assertTrue(max <= TOLERANCE, key + ": max abs difference " + max);
    }

    @AfterAll
    static void report() {
        System.out.println("EvalTransform vs timm golden: worst max abs difference " + worst
                + " over " + EXPECTED.size() + " tensors");
    }

    @Test
    void scaleSizeIsTimmsFloor() {
        assertEquals(248, EvalTransform.imagenet(224, 0.9, Interpolation.BICUBIC).scaleSize());
        assertEquals(235, EvalTransform.imagenet(224, 0.95, Interpolation.BICUBIC).scaleSize());
        assertEquals(256, EvalTransform.imagenet(224, 0.875, Interpolation.BICUBIC).scaleSize());
        assertEquals(224, EvalTransform.imagenet(224, 1.0, Interpolation.BICUBIC).scaleSize());
    }

    @Test
    void resizesShorterSideAndTruncatesLongerSide() {
        EvalTransform t95 = EvalTransform.imagenet(224, 0.95, Interpolation.BICUBIC);
        // int(235 * 450 / 300) = int(352.5) = 352
        assertArrayEquals(new int[] {352, 235}, t95.resizedSize(450, 300));
        assertArrayEquals(new int[] {235, 352}, t95.resizedSize(300, 450));
        EvalTransform t90 = EvalTransform.imagenet(224, 0.9, Interpolation.BICUBIC);
        // int(248 * 768 / 576) = int(330.67) = 330; a square stays square
        assertArrayEquals(new int[] {330, 248}, t90.resizedSize(768, 576));
        assertArrayEquals(new int[] {248, 248}, t90.resizedSize(32, 32));
    }

    @Test
    void centerCropRoundsHalvesToEven() {
        RgbImage ramp = ramp(235, 233);
        // (235 - 224) / 2 = 5.5 -> 6 ; (233 - 224) / 2 = 4.5 -> 4, as Python's round does.
        RgbImage crop = EvalTransform.centerCrop(ramp, 224);
        assertEquals(6, crop.get(0, 0, 0));
        assertEquals(4, crop.get(0, 0, 1));
    }

    @Test
    void centerCropPadsSmallImagesWithBlack() {
        // torchvision pads (8 - 5) // 2 = 1 column on the left, (8 - 4) // 2 = 2 rows on top.
        RgbImage crop = EvalTransform.centerCrop(ramp(5, 4), 8);
        assertEquals(0, crop.get(0, 2, 2));
        assertEquals(0, crop.get(1, 1, 2));
        assertEquals(0, crop.get(6, 2, 2));
        assertEquals(0, crop.get(1, 6, 2));
        assertEquals(200, crop.get(1, 2, 2));
        assertEquals(0, crop.get(1, 2, 0));
        assertEquals(4, crop.get(5, 5, 0));
        assertEquals(3, crop.get(5, 5, 1));
    }

    @Test
    void tensorAndNDArrayHoldTheSameValues() {
        EvalTransform t = EvalTransform.imagenet(32, 0.9, Interpolation.BICUBIC);
        RgbImage image = Fixtures.image(Fixtures.npz("resize_expected.npz").get("source"));
        float[] values = t.apply(image);
        HostTensor tensor = t.toTensor(image);
        assertArrayEquals(new long[] {3, 32, 32}, tensor.shape());
        assertArrayEquals(values, tensor.toFloatArray());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = t.toNDArray(manager, image);
            assertArrayEquals(new long[] {3, 32, 32}, array.getShape().getShape());
            assertArrayEquals(values, array.toFloatArray());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(SparxException.class, () -> EvalTransform.imagenet(0, 0.9, Interpolation.BICUBIC));
        SparxException e = assertThrows(
                SparxException.class, () -> EvalTransform.imagenet(224, 0, Interpolation.BICUBIC));
        assertTrue(e.getMessage().contains("crop pct"), e.getMessage());
        assertThrows(
                SparxException.class, () -> EvalTransform.imagenet(224, Double.NaN, Interpolation.BICUBIC));
    }

    /** Red = column, green = row, blue = 200: every pixel says where it came from. */
    private static RgbImage ramp(int width, int height) {
        byte[] px = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                px[(y * width + x) * 3] = (byte) x;
                px[(y * width + x) * 3 + 1] = (byte) y;
                px[(y * width + x) * 3 + 2] = (byte) 200;
            }
        }
        return RgbImage.of(width, height, px);
    }
}
