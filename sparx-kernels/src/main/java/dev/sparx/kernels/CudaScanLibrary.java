package dev.sparx.kernels;

import java.nio.ByteBuffer;

/**
 * The JNI surface of {@code libsparxscan_cuda.so}, the CUDA kernel (sources under
 * {@code src/main/native/cuda}, built where nvcc is found). The CUDA runtime is linked statically,
 * so the library loads without a GPU or driver and then reports no device. Callers check
 * {@link #LIBRARY} before calling a native method.
 */
final class CudaScanLibrary {

    /** The loaded library, or why it could not be loaded. */
    static final BundledLibrary LIBRARY = BundledLibrary.load("sparxscan_cuda", "nvcc");

    private CudaScanLibrary() {}

    /** @return the number of CUDA devices, 0 where there is no driver or no device */
    static native int deviceCount();

    /**
     * Enqueues the fused scan on the legacy default stream of the device holding the buffers. Every
     * buffer is a direct buffer wrapping device memory (its address a device pointer, its capacity
     * the allocation's byte size, as {@link TorchDeviceMemory} gives them), float32, contiguous.
     * The shapes are those of {@link NativeKernels#crossScanMerge}.
     *
     * @return null once launched, else what was wrong
     */
    static native String crossScanMerge(ByteBuffer u, ByteBuffer delta, ByteBuffer a, ByteBuffer b, ByteBuffer c,
            ByteBuffer d, ByteBuffer deltaBias, ByteBuffer out, int batch, int channels, int state, int height,
            int width);

    /**
     * The same on host buffers: copies the inputs to the current device, runs the kernel, waits,
     * copies out back. For testing the kernel itself where tensors cannot live on a GPU.
     *
     * @return null on success, else what was wrong
     */
    static native String crossScanMergeHost(ByteBuffer u, ByteBuffer delta, ByteBuffer a, ByteBuffer b,
            ByteBuffer c, ByteBuffer d, ByteBuffer deltaBias, ByteBuffer out, int batch, int channels, int state,
            int height, int width);
}
