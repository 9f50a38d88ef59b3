package dev.sparx.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.SparxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    /** Ten 2x2 images whose pixels are all their index; label = index % 3. */
    private static final LabelledImages<GrayImage> TEN = new LabelledImages<>() {
        @Override
        public List<String> classes() {
            return List.of("a", "b", "c");
        }

        @Override
        public int size() {
            return 10;
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public String name(int index) {
            return "ten/" + index;
        }

        @Override
        public GrayImage load(int index) {
            if (index == 7 && broken) {
                throw new SparxException("sample 7 is corrupt");
            }
            byte v = (byte) index;
            return new GrayImage(2, 2, new byte[] {v, v, v, v});
        }
    };

    private static volatile boolean broken;

    /** Writes the pixel value plus a draw of the sample's generator, so batches show both. */
    private static final SampleTransform<GrayImage> PROBE = new SampleTransform<>() {
        @Override
        public int[] outputShape() {
            return new int[] {1, 1, 2};
        }

        @Override
        public void apply(GrayImage sample, SplittableRandom rng, float[] out, int offset) {
            out[offset] = sample.at(0, 0);
            out[offset + 1] = rng.nextInt(1000);
        }
    };

    private static List<BatchLoader.Batch> collect(Iterator<BatchLoader.Batch> it) {
        List<BatchLoader.Batch> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void batchesFollowTheOrderAndDropOrKeepTheLastPartialOne() {
        try (BatchLoader<GrayImage> loader = new BatchLoader<>(TEN, PROBE, 4, 2)) {
            int[] order = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
            List<BatchLoader.Batch> dropped = collect(loader.epoch(order, true, 5));
            assertEquals(2, dropped.size());
            assertArrayEquals(new int[] {9, 8, 7, 6}, dropped.get(0).indices());
            assertArrayEquals(new long[] {0, 2, 1, 0}, dropped.get(0).labels());
            assertArrayEquals(new long[] {4, 1, 1, 2}, dropped.get(0).shape());
            assertEquals(9f, dropped.get(0).pixels()[0]);
            assertEquals(8f, dropped.get(0).pixels()[2]);
            List<BatchLoader.Batch> all = collect(loader.inOrder());
            assertEquals(3, all.size());
            assertArrayEquals(new int[] {8, 9}, all.get(2).indices());
            assertEquals(2, all.get(2).size());
        }
    }

    @Test
    void augmentationDependsOnSeedAndPositionNotOnThreads() {
        int[] order = Seeds.permutation(10, Seeds.random(3, 1));
        float[] one;
        float[] four;
        float[] otherSeed;
        try (BatchLoader<GrayImage> l1 = new BatchLoader<>(TEN, PROBE, 10, 1);
                BatchLoader<GrayImage> l4 = new BatchLoader<>(TEN, PROBE, 3, 4)) {
            one = collect(l1.epoch(order, false, 77)).get(0).pixels();
            List<BatchLoader.Batch> parts = collect(l4.epoch(order, false, 77));
            four = new float[20];
            int at = 0;
            for (BatchLoader.Batch b : parts) {
                System.arraycopy(b.pixels(), 0, four, at, b.pixels().length);
                at += b.pixels().length;
            }
            otherSeed = collect(l1.epoch(order, false, 78)).get(0).pixels();
        }
        assertArrayEquals(one, four);
        assertFalse(java.util.Arrays.equals(one, otherSeed));
    }

    @Test
    void aLoadFailureSurfacesInTheCaller() {
        broken = true;
        try (BatchLoader<GrayImage> loader = new BatchLoader<>(TEN, PROBE, 4, 2)) {
            Iterator<BatchLoader.Batch> it = loader.inOrder();
            it.next();
            SparxException e = assertThrows(SparxException.class, it::next);
            assertEquals("sample 7 is corrupt", e.getMessage());
        } finally {
            broken = false;
        }
    }
}
