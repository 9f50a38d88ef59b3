package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.sparx.core.SparxException;
import org.junit.jupiter.api.Test;

/** Selection by name, and what {@code auto} picks for a call. */
class SelectiveScansTest {

    @Test
    void findsImplementationsByName() {
        assertEquals("ndarray", SelectiveScans.byName("ndarray").name());
        assertEquals("auto", SelectiveScans.auto().name());
        assertInstanceOf(AutoSelectiveScan.class, SelectiveScans.byName("auto"));
        assertEquals(java.util.List.of("cuda", "native", "ndarray"), SelectiveScans.names());
        if (NativeSelectiveScan.isAvailable()) {
            NativeSelectiveScan scan = assertInstanceOf(NativeSelectiveScan.class, SelectiveScans.byName("native", 3));
            assertEquals(3, scan.threads());
        }
    }

    @Test
    void unknownNameListsTheChoices() {
        SparxException e = assertThrows(SparxException.class, () -> SelectiveScans.byName("cudnn"));
        assertTrue(e.getMessage().contains("'cudnn'") && e.getMessage().contains("auto, cuda, native, ndarray"),
                e.getMessage());
    }

    @Test
    void aKernelThatCannotRunSaysWhy() {
        assumeTrue(!CudaSelectiveScan.isAvailable(), "a GPU is available");
        SparxException e = assertThrows(SparxException.class, () -> SelectiveScans.byName("cuda"));
        assertTrue(e.getMessage().contains(CudaSelectiveScan.unavailableReason().orElseThrow()), e.getMessage());
    }

    @Test
    void autoUsesTheNativeKernelUnlessGradientsAreRecorded() {
        assumeTrue(NativeSelectiveScan.isAvailable(), "no native library in this build");
        AutoSelectiveScan auto = (AutoSelectiveScan) SelectiveScans.byName("auto", 2);
        ScanCase x = ScanCase.random(31, 2, 5, 1, 4, 3, 1, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] in = x.toNDArrays(manager);
            in[5].setRequiresGradient(true);
            assertInstanceOf(NativeSelectiveScan.class, auto.choose(in));
            double error = x.relativeError(auto, manager);
            assertTrue(error <= 1e-6, () -> "relative L2 " + error);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                assertInstanceOf(NdArraySelectiveScan.class, auto.choose(in));
            }
            in[0] = in[0].toType(DataType.FLOAT64, false);
            assertInstanceOf(NdArraySelectiveScan.class, auto.choose(in));
        }
    }

    @Test
    void onAThreadOfItsOwnAutoUsesTheNativeKernelOnceTheThreadIsMarkedForInference() throws Exception {
        assumeTrue(NativeSelectiveScan.isAvailable(), "no native library in this build");
        AutoSelectiveScan auto = (AutoSelectiveScan) SelectiveScans.byName("auto", 1);
        ScanCase x = ScanCase.random(32, 1, 4, 1, 3, 3, 1, 1);
        java.util.List<Object> seen = new java.util.ArrayList<>();
        Thread worker = new Thread(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray[] in = x.toNDArrays(manager);
                seen.add(auto.choose(in)); // libtorch's default on a new thread: recording
                InferenceThread.enter(manager);
                seen.add(auto.choose(in));
            }
        });
        worker.start();
        worker.join();
        assertEquals(2, seen.size(), "the worker failed");
        assertInstanceOf(NdArraySelectiveScan.class, seen.get(0));
        assertInstanceOf(NativeSelectiveScan.class, seen.get(1));
    }
}
