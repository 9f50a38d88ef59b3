package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** KernelTimes counts native calls by kind while on, and nothing while off. */
class KernelTimesTest {

    @AfterEach
    void off() {
        KernelTimes.setEnabled(false);
        KernelTimes.reset();
    }

    @Test
    void countsCallsOfEachKindOnlyWhileOn() {
        assumeTrue(NativeKernels.LIBRARY.isLoaded(), "native library not loaded");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(1, 4, 6, 6));
            NDArray weight = manager.randomNormal(new Shape(4, 1, 3, 3));
            NDArray gamma = manager.ones(new Shape(4));
            NDArray beta = manager.zeros(new Shape(4));
            KernelTimes.reset();
            KernelTimes.setEnabled(false);
            DepthwiseConvolution.nativeKernel(x, null, weight, null, 1, DepthwiseConvolution.Epilogue.NONE, 1,
                    IsaLimit.NONE);
            assertEquals(0, KernelTimes.totals().get(KernelTimes.Kind.DEPTHWISE_CONVOLUTION).calls());

            KernelTimes.setEnabled(true);
            for (int i = 0; i < 3; i++) {
                DepthwiseConvolution.nativeKernel(x, null, weight, null, 1, DepthwiseConvolution.Epilogue.NONE, 1,
                        IsaLimit.NONE);
            }
            GroupNormalization.nativeKernel(x, gamma, beta, 1e-5f, 1, IsaLimit.NONE);
            KernelTimes.Total depthwise = KernelTimes.totals().get(KernelTimes.Kind.DEPTHWISE_CONVOLUTION);
            assertEquals(3, depthwise.calls());
            assertTrue(depthwise.nanos() > 0);
            assertEquals(1, KernelTimes.totals().get(KernelTimes.Kind.GROUP_NORM).calls());
            assertEquals(0, KernelTimes.totals().get(KernelTimes.Kind.SELECTIVE_SCAN).calls());

            KernelTimes.reset();
            assertEquals(0, KernelTimes.totals().get(KernelTimes.Kind.DEPTHWISE_CONVOLUTION).calls());
            assertEquals(0, KernelTimes.totals().get(KernelTimes.Kind.DEPTHWISE_CONVOLUTION).nanos());
        }
    }
}
