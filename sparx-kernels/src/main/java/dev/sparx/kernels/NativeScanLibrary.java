package dev.sparx.kernels;

import java.nio.ByteBuffer;

/**
 * The JNI surface of {@code libsparxscan.so}, the CPU kernel (sources under
 * {@code src/main/native/cpu}). Callers check {@link #LIBRARY} before calling a native method.
 */
final class NativeScanLibrary {

    /** The loaded library, or why it could not be loaded. */
    static final BundledLibrary LIBRARY = BundledLibrary.load("sparxscan", "gcc");

    private NativeScanLibrary() {}

    /**
     * Runs the fused four-direction scan. Every buffer is a direct buffer over contiguous float32
     * data in native byte order; the native side rechecks sizes and alignment against the
     * dimensions and returns a message rather than reading or writing out of bounds.
     *
     * @param u (B, D, H, W)
     * @param delta (B, K, D, H, W)
     * @param a (K*D, N)
     * @param b (B, K, N, H, W)
     * @param c (B, K, N, H, W)
     * @param d (K*D)
     * @param deltaBias (K*D)
     * @param out (B, D, H, W), written entirely; must not overlap an input
     * @param batch B
     * @param channels D
     * @param state N
     * @param height H
     * @param width W
     * @param threads the most threads to use, the caller's included
     * @param baseline true to run the baseline x86-64 code even where AVX2 is present
     * @return null on success, else what was wrong
     */
    static native String crossScanMerge(ByteBuffer u, ByteBuffer delta, ByteBuffer a, ByteBuffer b, ByteBuffer c,
            ByteBuffer d, ByteBuffer deltaBias, ByteBuffer out, int batch, int channels, int state, int height,
            int width, int threads, boolean baseline);

    /**
     * @param baseline as for {@link #crossScanMerge}
     * @return the instruction set the kernel runs with on this processor
     */
    static native String instructionSet(boolean baseline);
}
