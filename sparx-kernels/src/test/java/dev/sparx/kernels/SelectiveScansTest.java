package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    private final SelectiveScan portable = new ReferenceSelectiveScan();

    @Test
    void selectsByName() {
        assertSame(portable, SelectiveScans.select("ndarray", portable));
        assertSame(portable, SelectiveScans.select("NDArray", portable));
        assertTrue(SelectiveScans.select("auto", portable) instanceof AutoSelectiveScan);
        if (NativeSelectiveScan.isAvailable()) {
            assertInstanceOf(NativeSelectiveScan.class, SelectiveScans.select("native", portable, 2));
        } else {
            assertThrows(SparxException.class, () -> SelectiveScans.select("native", portable));
        }
    }

    @Test
    void refusesUnknownNamesAndKernelsThatCannotRun() {
        SparxException e = assertThrows(SparxException.class, () -> SelectiveScans.select("fast", portable));
        assertTrue(e.getMessage().contains("[auto, ndarray, native, cuda]"), e.getMessage());
        assumeTrue(!CudaSelectiveScan.isAvailable());
        e = assertThrows(SparxException.class, () -> SelectiveScans.select("cuda", portable));
        assertTrue(e.getMessage().contains(CudaSelectiveScan.unavailableReason().orElseThrow()), e.getMessage());
    }

    @Test
    void autoUsesTheNativeKernelUnlessGradientsAreRecorded() {
        assumeTrue(NativeSelectiveScan.isAvailable());
        AutoSelectiveScan auto = (AutoSelectiveScan) SelectiveScans.select("auto", portable, 2);
        ScanCase x = ScanCase.random(31, 2, 5, 1, 4, 3, 1, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] in = x.toNDArrays(manager);
            in[5].setRequiresGradient(true);
            assertInstanceOf(NativeSelectiveScan.class, auto.choose(in));
            double error = SequentialScan.relativeL2(x.run(auto, manager), SequentialScan.crossScanMerge(x));
            assertTrue(error <= 1e-6, () -> "relative L2 " + error);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                assertSame(portable, auto.choose(in));
            }
            in[0] = in[0].toType(DataType.FLOAT64, false);
            assertSame(portable, auto.choose(in));
        }
    }
}
