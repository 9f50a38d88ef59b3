package dev.sparx.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.ZooModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;
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
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]+)");

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
            System.out.printf("resident memory outside the Java heap grew by %.1f MiB over %d predictions (%d arrays held)%n",
                    growth / 1048576.0, PREDICTIONS, arrays);
            assertTrue(growth < NATIVE_GROWTH_LIMIT, "memory outside the Java heap grew by " + growth + " bytes");
        }
    }

    /**
     * The resident memory of every mapping of this process outside the Java heap's reserved range
     * (from {@code /proc/self/smaps}), after a collection: libtorch's allocations, which a leaked tensor
     * would grow, without the heap's own ups and downs.
     */
    private static long nativeBytes() throws Exception {
        System.gc();
        long[] heap = heapRange();
        long total = 0;
        boolean inHeap = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            Matcher vma = MAPPING.matcher(line);
            if (vma.find()) {
                long start = Long.parseUnsignedLong(vma.group(1), 16);
                long end = Long.parseUnsignedLong(vma.group(2), 16);
                inHeap = Long.compareUnsigned(start, heap[1]) < 0 && Long.compareUnsigned(end, heap[0]) > 0;
            } else if (!inHeap && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return total;
    }

    /**
     * The Java heap's reserved addresses, from the JVM's {@code GC.heap_info} diagnostic command: the
     * lowest and highest address its lines before the metaspace name, for any collector.
     */
    private static long[] heapRange() throws Exception {
        String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                new Object[] {null}, new String[] {String[].class.getName()});
        long low = -1;
        long high = 0;
        for (String line : info.lines().toList()) {
            if (line.trim().startsWith("Metaspace")) {
                break;
            }
            Matcher address = ADDRESS.matcher(line);
            while (address.find()) {
                long a = Long.parseUnsignedLong(address.group(1), 16);
                low = low == -1 || Long.compareUnsigned(a, low) < 0 ? a : low;
                high = Long.compareUnsigned(a, high) > 0 ? a : high;
            }
        }
        if (low == -1) {
            throw new IllegalStateException("no heap addresses in GC.heap_info:\n" + info);
        }
        return new long[] {low, high};
    }
}
