package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The four-direction selective scan as one native CPU kernel ({@code libsparxscan.so}, built from
 * {@code src/main/native/cpu} and loaded from this jar): cross scan, recurrence and cross merge
 * fused, vectorised across channels, threaded across batch x channel blocks. docs/kernels.md
 * describes the design and its measured speed.
 *
 * <p>Memory: inputs are read in place through {@link NDArray#toByteBuffer(boolean)}, which for a
 * contiguous CPU float32 tensor of the PyTorch engine is a direct buffer over the tensor's own
 * storage (DJL copies a non-contiguous tensor into a contiguous one first; that copy is attached to
 * the input's manager and lives until it closes). The output is an uninitialised tensor created in
 * u's manager, and the kernel writes straight into its storage the same way: no copy on either
 * side.
 *
 * <p>There is no backward: a call while gradients are being recorded is refused (use
 * {@link SelectiveScans} with {@code auto}, which then takes the NDArray path).
 */
public final class NativeSelectiveScan extends FusedScanKernel {

    /** The name users select this implementation by. */
    public static final String NAME = "native";

    /** The largest rank of delta's factors the kernel expands itself (cross_scan.h). */
    static final int MAX_EXPANDED_RANK = 16;

    private final int threads;
    private final IsaLimit isaLimit;

    /** A scan that uses every processor the JVM reports. */
    public NativeSelectiveScan() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A scan that uses at most the given number of threads, the calling thread included.
     *
     * @param threads at least 1
     */
    public NativeSelectiveScan(int threads) {
        this(threads, IsaLimit.NONE);
    }

    /**
     * @param threads at least 1
     * @param isaLimit the best instruction set to use (for tests and benchmarks of each compiled copy)
     */
    NativeSelectiveScan(int threads, IsaLimit isaLimit) {
        super(NAME, Device.Type.CPU);
        if (threads < 1) {
            throw new SparxException("selective scan (native): threads is " + threads + "; expected at least 1");
        }
        this.threads = threads;
        this.isaLimit = isaLimit;
    }

    /** @return whether the native library is loaded on this platform */
    public static boolean isAvailable() {
        return NativeKernels.LIBRARY.isLoaded();
    }

    /** @return why the native library could not be loaded, or empty when it is loaded */
    public static Optional<String> unavailableReason() {
        return NativeKernels.LIBRARY.failure();
    }

    /**
     * @return the instruction set the kernel runs with here, e.g. {@code x86-64-v3 (AVX2, FMA)}
     * @throws SparxException when the library is not loaded
     */
    public String instructionSet() {
        if (!isAvailable()) {
            throw new SparxException("selective scan (native): " + unavailableReason().orElseThrow());
        }
        return NativeKernels.instructionSet(isaLimit.ordinal());
    }

    /** @return the most threads one call uses */
    public int threads() {
        return threads;
    }

    /**
     * {@inheritDoc}
     *
     * <p>For a rank up to {@value #MAX_EXPANDED_RANK} the kernel expands the factors itself (R
     * multiply-adds per value where it reads delta); a larger rank goes through the default, a
     * batched product into delta, which is cheaper than R multiply-adds per value there.
     */
    @Override
    public NDArray crossScanMergeLowRank(NDArray u, NDArray deltaLow, NDArray deltaWeight, NDArray a, NDArray b,
            NDArray c, NDArray d, NDArray deltaBias) {
        Shape weight = deltaWeight.getShape();
        if (weight.dimension() == 3 && weight.get(2) > MAX_EXPANDED_RANK) {
            return super.crossScanMergeLowRank(u, deltaLow, deltaWeight, a, b, c, d, deltaBias);
        }
        NDArray[] inputs = {u, deltaLow, deltaWeight, a, b, c, d, deltaBias};
        return launch(inputs, ScanShapes.LOW_RANK_INPUT_NAMES, () -> ScanShapes.checkLowRank(name(), inputs),
                (in, out, s) -> NativeKernels.crossScanMergeLowRank(in[0], in[1], in[2], in[3], in[4], in[5], in[6],
                        in[7], out, s.batch, s.channels, s.state, s.height, s.width, s.rank, threads,
                        isaLimit.ordinal()));
    }

    @Override
    Optional<String> unavailableHere() {
        return unavailableReason();
    }

    @Override
    ByteBuffer storage(NDArray array, String name) {
        return array.toByteBuffer(true);
    }

    @Override
    String run(ByteBuffer[] in, ByteBuffer out, ScanShapes s) {
        return NativeKernels.crossScanMerge(in[0], in[1], in[2], in[3], in[4], in[5], in[6], out, s.batch,
                s.channels, s.state, s.height, s.width, threads, isaLimit.ordinal());
    }
}
