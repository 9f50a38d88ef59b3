package dev.sparx.examples.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.image.ImageDecodeException;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.FashionMnistTransform;
import dev.sparx.examples.data.GrayImage;
import dev.sparx.examples.data.LabelledImages;
import dev.sparx.kernels.SelectiveScans;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The validation loop on a small in-memory data set with the stand-in shipped model (10 classes, 28x28). */
class ValidatorTest {

    /** Random 28x28 gray images with labels i % 10; the ones listed as bad fail to decode. */
    private static LabelledImages<GrayImage> images(int n, List<Integer> bad) {
        Random random = new Random(3);
        List<GrayImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[28 * 28];
            random.nextBytes(px);
            list.add(new GrayImage(28, 28, px));
        }
        return new LabelledImages<>() {
            @Override
            public List<String> classes() {
                return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            }

            @Override
            public int size() {
                return n;
            }

            @Override
            public int label(int i) {
                return i % 10;
            }

            @Override
            public String name(int i) {
                return "mem/" + i;
            }

            @Override
            public GrayImage load(int i) {
                if (bad.contains(i)) {
                    throw new ImageDecodeException(name(i), "made to fail");
                }
                return list.get(i);
            }
        };
    }

    @Test
    void batchesLeaveNoArraysBehindAndSkippedImagesAreReportedInOrder() {
        LabelledImages<GrayImage> data = images(50, List.of(3, 17, 18));
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        try (Classifier model = Classifier.load(ShippedModel.config(), ShippedModel.weights(), SelectiveScans.auto());
                BatchLoader<GrayImage> loader = new BatchLoader<>(data, FashionMnistTransform.eval(28), 25, 2, true)) {
            int before = model.liveArrays();
            List<String> events = new ArrayList<>();
            long[] lastDone = {0};
            ValidationResult r = new Validator(model).run(loader, order, new Validator.Observer() {
                @Override
                public void skipped(ImageDecodeException error) {
                    events.add("skip " + error.file());
                }

                @Override
                public void predicted(Prediction p) {
                    events.add(p.name());
                }

                @Override
                public void progress(long done, double top1) {
                    assertTrue(done > lastDone[0]);
                    lastDone[0] = done;
                }
            });
            assertEquals(before, model.liveArrays(), "arrays left behind by the batches");
            assertEquals(47, r.images());
            assertEquals(3, r.skipped());
            assertEquals(50, lastDone[0]);
            assertEquals(50, events.size());
            // per batch of 25: its skipped images, then its predictions in order
            assertEquals(List.of("skip mem/3", "skip mem/17", "skip mem/18", "mem/0", "mem/1", "mem/2", "mem/4"),
                    events.subList(0, 7));
            assertEquals(List.of("mem/16", "mem/19"), events.subList(18, 20));
            assertEquals("mem/25", events.get(25));
            // a second pass is the same model on the same data: the same numbers, still no leak
            ValidationResult again = new Validator(model).run(loader, order, new Validator.Observer() {});
            assertEquals(r.top1(), again.top1());
            assertEquals(r.loss(), again.loss(), 1e-12);
            assertEquals(before, model.liveArrays());
        }
    }
}
