package dev.sparx.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One model shared by predictors on several threads, and many predictions on one predictor. To keep
 * hundreds of predictions quick the model is a micro network (random weights, five blocks, cross
 * layers in three stages) and the predictors use small inputs; the path through the zoo's
 * loader, the predictor, the translator and the block is the one of the full models.
 */
class PredictorConcurrencyTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 50;
    private static final int PREDICTIONS = 1000;
    private static final long NATIVE_GROWTH_LIMIT = 64L << 20;

    @TempDir
    static Path dir;

    private static ZooModel<Path, Classifications> model;
    private static List<Path> images;

    @BeforeAll
    static void load() {
        Path[] micro = TinyZoo.microModel(dir);
        model = TinyZoo.load(TinyZoo.classifier(dir)
                .optArgument(SparXModelZoo.CHECKPOINT, micro[0])
                .optArgument(SparXModelZoo.CONFIG, micro[1]));
        images = TinyZoo.IMAGES.stream().map(TinyZoo::image).collect(Collectors.toList());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void fourThreadsWithTheirOwnPredictorsGiveTheOneThreadResults() throws Exception {
        List<List<Double>> expected = new ArrayList<>();
        try (Predictor<Path, Classifications> predictor = model.newPredictor(TinyZoo.smallLogitsTranslator())) {
            for (Path image : images) {
                expected.add(predictor.predict(image).getProbabilities());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<List<Double>>>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                Callable<List<List<Double>>> run = () -> {
                    List<List<Double>> out = new ArrayList<>();
                    try (Predictor<Path, Classifications> predictor =
                            model.newPredictor(TinyZoo.smallLogitsTranslator())) {
                        for (int i = 0; i < PER_THREAD; i++) {
                            out.add(predictor.predict(images.get((offset + i) % images.size())).getProbabilities());
                        }
                    }
                    return out;
                };
                runs.add(pool.submit(run));
            }
            for (int t = 0; t < THREADS; t++) {
                List<List<Double>> got = runs.get(t).get();
                assertEquals(PER_THREAD, got.size());
                for (int i = 0; i < PER_THREAD; i++) {
                    int image = (t + i) % images.size();
                    assertEquals(expected.get(image), got.get(i),
                            "thread " + t + ", prediction " + i + ", " + images.get(image));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * At 112 x 112 a leaked input tensor alone (150 KB) would add 150 MB over the predictions; a
     * leaked array of any size shows in the count of the arrays the model's manager holds.
     */
    @Test
    void memoryStaysFlatOverAThousandPredictions() throws Exception {
        try (Predictor<Path, Classifications> predictor = model.newPredictor(TinyZoo.logitsTranslator(112))) {
            for (int i = 0; i < 50; i++) {
                predictor.predict(images.get(i % images.size()));
            }
            int arrays = model.getNDManager().getManagedArrays().size();
            long before = nativeBytes();
            for (int i = 0; i < PREDICTIONS; i++) {
                predictor.predict(images.get(i % images.size()));
            }
            long growth = nativeBytes() - before;
            assertEquals(arrays, model.getNDManager().getManagedArrays().size(),
                    "arrays held by the model's manager (parameters, predictor) after " + PREDICTIONS + " predictions");
            System.out.printf("memory outside the Java heap grew by %.1f MiB over %d predictions (%d arrays held)%n",
                    growth / 1048576.0, PREDICTIONS, arrays);
            assertTrue(growth < NATIVE_GROWTH_LIMIT, "memory outside the Java heap grew by " + growth + " bytes");
        }
    }

    /**
     * The resident memory (VmRSS) less the Java heap's committed size, after a collection: libtorch's
     * allocations, which a leaked tensor would grow, without the heap's own ups and downs.
     */
    private static long nativeBytes() throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 - heap;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
