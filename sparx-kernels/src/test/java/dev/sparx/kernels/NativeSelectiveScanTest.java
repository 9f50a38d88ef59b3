package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.pytorch.jni.JniUtils;
import dev.sparx.core.SparxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native CPU kernel against the float64 definition, and its argument checks. */
class NativeSelectiveScanTest extends NativeKernelTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // L = 35 and D = 13: neither a multiple of the 8-lane blocks; H != W
                Arguments.of(ScanCase.random(1, 2, 13, 1, 7, 5, 1, 1)),
                // the 56x56 map of stage 1
                Arguments.of(ScanCase.random(2, 2, 10, 1, 56, 56, 1, 1)),
                // short sequences, a single row and a single column
                Arguments.of(ScanCase.random(3, 3, 9, 1, 1, 3, 1, 1)),
                Arguments.of(ScanCase.random(4, 2, 8, 1, 11, 1, 1, 1)),
                Arguments.of(ScanCase.random(5, 1, 3, 1, 1, 1, 1, 1)),
                // N > 1
                Arguments.of(ScanCase.random(6, 2, 11, 3, 6, 9, 1, 1)),
                // softplus far past both thresholds: dt from 1e-44 to 100
                Arguments.of(ScanCase.random(7, 2, 9, 1, 28, 20, 100, 1)),
                // dA within 1e-6 of 1: memory over the whole 56x56 map
                Arguments.of(ScanCase.random(8, 2, 9, 1, 56, 56, 1, 1e-6)),
                // dA = 0 for most steps: no memory
                Arguments.of(ScanCase.random(9, 2, 9, 1, 14, 17, 1, 1e3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheDefinition(ScanCase x) {
        double[] expected = x.reference();
        for (NativeSelectiveScan scan : new NativeSelectiveScan[] {
            new NativeSelectiveScan(1), new NativeSelectiveScan(3), new NativeSelectiveScan(2, IsaLimit.AVX2),
            new NativeSelectiveScan(2, IsaLimit.BASELINE)}) {
            double error = ScanCase.relativeError(x.run(scan, manager), expected);
            assertTrue(error <= TOLERANCE, () -> scan.instructionSet() + ", " + scan.threads() + " threads: relative L2 "
                    + error);
        }
    }

    /**
     * delta given by its rank-R factors: the kernel expands ranks up to 16 itself, a larger one goes
     * through the default product; both, and the NDArray form, against the definition run on the
     * product in float64.
     */
    @ParameterizedTest(name = "rank {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 6, 16, 17})
    void expandsLowRankStepSizesAsTheirProduct(int rank) {
        int batch = 2;
        int channels = 11;
        int height = 7;
        int width = 5;
        int length = height * width;
        int k = ScanShapes.DIRECTIONS;
        ScanCase base = ScanCase.random(40 + rank, batch, channels, rank == 1 ? 3 : 1, height, width, 1, 1);
        java.util.Random random = new java.util.Random(rank);
        float[] low = new float[batch * k * rank * length];
        for (int i = 0; i < low.length; i++) {
            low[i] = (float) (2 * random.nextDouble() - 1);
        }
        float[] weight = new float[k * channels * rank];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) ((2 * random.nextDouble() - 1) / Math.sqrt(rank));
        }
        double[] delta = new double[batch * k * channels * length];
        for (int b = 0; b < batch; b++) {
            for (int dir = 0; dir < k; dir++) {
                for (int c = 0; c < channels; c++) {
                    for (int p = 0; p < length; p++) {
                        double sum = 0;
                        for (int r = 0; r < rank; r++) {
                            sum += (double) weight[(dir * channels + c) * rank + r] * low[((b * k + dir) * rank + r) * length + p];
                        }
                        delta[((b * k + dir) * channels + c) * length + p] = sum;
                    }
                }
            }
        }
        double[] expected = SequentialReference.crossScanMerge(SequentialReference.toDouble(base.u), delta,
                SequentialReference.toDouble(base.a), SequentialReference.toDouble(base.b),
                SequentialReference.toDouble(base.c), SequentialReference.toDouble(base.d),
                SequentialReference.toDouble(base.bias), batch, channels, base.state, height, width);
        NDArray[] in = base.toNDArrays(manager);
        NDArray lowArray = manager.create(low, new Shape(batch, k, rank, height, width));
        NDArray weightArray = manager.create(weight, new Shape(k, channels, rank));
        for (SelectiveScan scan : new SelectiveScan[] {
            new NativeSelectiveScan(1), new NativeSelectiveScan(3), new NativeSelectiveScan(2, IsaLimit.AVX2),
            new NativeSelectiveScan(2, IsaLimit.BASELINE), new NdArraySelectiveScan()}) {
            try (NDArray y = scan.crossScanMergeLowRank(in[0], lowArray, weightArray, in[2], in[3], in[4], in[5],
                    in[6])) {
                double error = ScanCase.relativeError(y.toFloatArray(), expected);
                assertTrue(error <= TOLERANCE, () -> scan.name() + ": relative L2 " + error);
            }
        }
    }

    @Test
    void refusesLowRankFactorsThatDoNotFit() {
        ScanCase x = ScanCase.random(50, 1, 6, 1, 4, 3, 1, 1);
        NDArray[] in = x.toNDArrays(manager);
        NativeSelectiveScan scan = new NativeSelectiveScan(1);
        NDArray weight = manager.zeros(new Shape(4, 6, 3));
        SparxException e = assertThrows(SparxException.class, () -> scan.crossScanMergeLowRank(in[0],
                manager.zeros(new Shape(1, 4, 2, 4, 3)), weight, in[2], in[3], in[4], in[5], in[6]));
        assertTrue(e.getMessage().contains("deltaLow has shape (1, 4, 2, 4, 3); expected (B, K, R, H, W)"),
                e::getMessage);
        e = assertThrows(SparxException.class, () -> scan.crossScanMergeLowRank(in[0],
                manager.zeros(new Shape(1, 4, 3, 4, 3)), manager.zeros(new Shape(4, 5, 3)), in[2], in[3], in[4],
                in[5], in[6]));
        assertTrue(e.getMessage().contains("deltaWeight has shape (4, 5, 3)"), e::getMessage);
    }

    @Test
    void matchesTheGoldenScanOfTinyT() {
        GoldenScan golden = GoldenScan.load(GoldenScan.TINY_T);
        double error = ScanCase.relativeError(golden.input.run(new NativeSelectiveScan(), manager), golden.merged);
        assertTrue(error <= TOLERANCE, () -> "relative L2 " + error);
    }

    @Test
    void readsNonContiguousInputs() {
        ScanCase x = ScanCase.random(10, 2, 5, 1, 6, 4, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            // the same delta, stored (B, K, D, W, H) and viewed as (B, K, D, H, W) by a transpose
            int rows = x.batch * ScanShapes.DIRECTIONS * x.channels;
            float[] stored = new float[x.delta.length];
            for (int r = 0; r < rows; r++) {
                for (int h = 0; h < x.height; h++) {
                    for (int w = 0; w < x.width; w++) {
                        stored[(r * x.width + w) * x.height + h] = x.delta[(r * x.height + h) * x.width + w];
                    }
                }
            }
            NDArray view = scope.create(stored, new Shape(x.batch, 4, x.channels, x.width, x.height))
                    .transpose(0, 1, 2, 4, 3);
            in[1] = view;
            NDArray y = ScanCase.call(new NativeSelectiveScan(), in);
            double error = ScanCase.relativeError(y.toFloatArray(), x.reference());
            assertTrue(error <= TOLERANCE, () -> "relative L2 " + error);
        }
    }

    @Test
    void writesIntoAnArrayOfTheInputsManager() {
        ScanCase x = ScanCase.random(11, 1, 4, 1, 3, 3, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            NDArray y = ScanCase.call(new NativeSelectiveScan(), in);
            assertEquals(scope, y.getManager());
            assertEquals(new Shape(1, 4, 3, 3), y.getShape());
            assertEquals(DataType.FLOAT32, y.getDataType());
        }
    }

    @Test
    void refusesWhileGradientsAreRecorded() {
        ScanCase x = ScanCase.random(12, 1, 4, 1, 3, 3, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            in[5].setRequiresGradient(true);
            NativeSelectiveScan scan = new NativeSelectiveScan();
            // a parameter that requires a gradient outside a collector (grad mode off) is inference
            ScanCase.call(scan, in).close();
            try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
                ScanCase.assertRefused(scan, "no backward", in);
            }
        }
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of("u is float64", 0, new Shape(2, 3, 4, 5), DataType.FLOAT64, "u is float64"),
                Arguments.of("u of rank 3", 0, new Shape(2, 3, 20), DataType.FLOAT32, "rank 4"),
                Arguments.of("delta with H and W swapped", 1, new Shape(2, 4, 3, 5, 4), DataType.FLOAT32,
                        "delta has shape (2, 4, 3, 5, 4)"),
                Arguments.of("delta with 3 directions", 1, new Shape(2, 3, 3, 4, 5), DataType.FLOAT32, "delta"),
                Arguments.of("a for D channels, not K*D", 2, new Shape(3, 1), DataType.FLOAT32, "a has shape"),
                Arguments.of("a with N = 0", 2, new Shape(12, 0), DataType.FLOAT32, "N >= 1"),
                Arguments.of("b with N = 2 where a has 1", 3, new Shape(2, 4, 2, 4, 5), DataType.FLOAT32, "b has"),
                Arguments.of("c of another batch", 4, new Shape(1, 4, 1, 4, 5), DataType.FLOAT32, "c has"),
                Arguments.of("d of rank 2", 5, new Shape(4, 3), DataType.FLOAT32, "d has"),
                Arguments.of("deltaBias as int32", 6, new Shape(12), DataType.INT32, "deltaBias is int32"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void refusesBadArguments(String what, int index, Shape shape, DataType type, String message) {
        ScanCase x = ScanCase.random(13, 2, 3, 1, 4, 5, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            in[index] = scope.zeros(shape, type);
            ScanCase.assertRefused(new NativeSelectiveScan(), message, in);
        }
    }

    @Test
    void refusesAMissingInputAndZeroThreads() {
        ScanCase x = ScanCase.random(14, 1, 2, 1, 2, 2, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            in[2] = null;
            ScanCase.assertRefused(new NativeSelectiveScan(), "a is missing", in);
        }
        assertThrows(SparxException.class, () -> new NativeSelectiveScan(0));
    }

    @Test
    void servesSeveralThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Double>> errors = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ScanCase x = ScanCase.random(40 + i, 2, 9 + i, 1, 13, 11, 1, 1);
                errors.add(pool.submit(() -> {
                    // libtorch's grad mode is per thread and starts on: this thread does inference
                    JniUtils.setGradMode(false);
                    try (NDManager scope = NDManager.newBaseManager()) {
                        return x.relativeError(new NativeSelectiveScan(2), scope);
                    }
                }));
            }
            for (Future<Double> error : errors) {
                double e = error.get();
                assertTrue(e <= TOLERANCE, () -> "relative L2 " + e);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void returnsAnEmptyOutputForAnEmptyBatch() {
        ScanCase x = ScanCase.random(15, 0, 3, 1, 4, 4, 1, 1);
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] in = x.toNDArrays(scope);
            NDArray y = ScanCase.call(new NativeSelectiveScan(), in);
            assertEquals(new Shape(0, 3, 4, 4), y.getShape());
        }
    }
}
