package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernel. Where a GPU is visible it runs on host buffers copied through device memory
 * (DJL's CPU-only libtorch here cannot make GPU tensors) against the float64 definition; without a
 * GPU only the library's loading and the argument checks are exercised.
 */
class CudaSelectiveScanTest {

    @Test
    void matchesTheDefinitionOnAGpu() {
        assumeTrue(CudaSelectiveScan.deviceCount() > 0, "no CUDA device");
        for (ScanCase x : new ScanCase[] {
            ScanCase.random(21, 2, 13, 1, 7, 5, 1, 1),
            ScanCase.random(22, 2, 10, 1, 56, 56, 1, 1),
            ScanCase.random(23, 3, 9, 1, 1, 3, 1, 1),
            ScanCase.random(24, 2, 11, 3, 6, 9, 1, 1),
            ScanCase.random(25, 2, 9, 1, 28, 20, 100, 1),
            ScanCase.random(26, 2, 9, 1, 56, 56, 1, 1e-6),
            ScanCase.random(27, 2, 9, 1, 14, 17, 1, 1e3),
            GoldenScan.load(GoldenScan.TINY_T).input}) {
            ByteBuffer out = direct(new float[x.batch * x.channels * x.height * x.width]);
            String failure = CudaScanLibrary.crossScanMergeHost(direct(x.u), direct(x.delta), direct(x.a),
                    direct(x.b), direct(x.c), direct(x.d), direct(x.bias), out, x.batch, x.channels, x.state,
                    x.height, x.width);
            assertNull(failure, failure);
            float[] y = new float[out.capacity() / Float.BYTES];
            out.asFloatBuffer().get(y);
            double error = ScanCase.relativeError(y, x.reference());
            assertTrue(error <= 1e-6, () -> x + ": relative L2 " + error);
        }
    }

    @Test
    void isBuiltAndLoadsWhereNvccIs() {
        assumeTrue(BuildEnvironment.expectsCudaLibrary(), "no nvcc, or the build was told to skip CUDA");
        assertTrue(CudaScanLibrary.LIBRARY.isLoaded(), () -> CudaScanLibrary.LIBRARY.failure().orElseThrow());
        // with no driver the statically linked runtime must answer 0, not fail
        assertTrue(CudaScanLibrary.deviceCount() >= 0);
    }

    @Test
    void refusesCpuArraysAndSaysWhyItCannotRun() {
        ScanCase x = ScanCase.random(28, 1, 3, 1, 2, 2, 1, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            ScanCase.assertRefused(new CudaSelectiveScan(),
                    CudaSelectiveScan.unavailableReason().orElse("runs on gpu arrays"), x.toNDArrays(manager));
        }
    }

    @Test
    void hostEntryChecksItsBuffers() {
        assumeTrue(CudaScanLibrary.LIBRARY.isLoaded(), "CUDA library not built");
        ByteBuffer small = direct(new float[4]);
        String failure = CudaScanLibrary.crossScanMergeHost(small, small, small, small, small, small, small,
                direct(new float[4]), 1, 1, 1, 2, 2);
        assertEquals("delta: buffer holds 4 floats, the shapes need 16", failure);
    }

    private static ByteBuffer direct(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        buffer.asFloatBuffer().put(values);
        return buffer;
    }
}
