package dev.sparx.kernels;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall-clock time spent in the native kernels, by kind, for profiles. libtorch's profiler sees its
 * own operators only, so without these totals the kernels' share of a forward pass is the gap left
 * between the operators. Off by default; while on, each call of a native kernel adds its duration
 * (its Java-side checks and output allocation included) to its kind's total. {@code sparx benchmark
 * --kernel-times} reports them per pass.
 */
public final class KernelTimes {

    /** The native kernels, by what they compute. */
    public enum Kind {
        /** the selective scan with its cross scan and merge, CPU or CUDA ({@link SelectiveScan}) */
        SELECTIVE_SCAN,
        /** {@link DepthwiseConvolution}'s native kernel */
        DEPTHWISE_CONVOLUTION,
        /** {@link GroupNormalization}'s native kernel */
        GROUP_NORM,
        /** {@link LayerScaleResidual}'s native kernel */
        LAYER_SCALE_RESIDUAL
    }

    /** A kind's totals since the last reset. */
    public record Total(long nanos, long calls) {}

    private static volatile boolean enabled;
    private static final Map<Kind, LongAdder> NANOS = new EnumMap<>(Kind.class);
    private static final Map<Kind, LongAdder> CALLS = new EnumMap<>(Kind.class);

    static {
        for (Kind kind : Kind.values()) {
            NANOS.put(kind, new LongAdder());
            CALLS.put(kind, new LongAdder());
        }
    }

    private KernelTimes() {}

    /**
     * Turns timing on or off for every thread of the process.
     *
     * @param on whether native calls are timed from now on
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** @return whether native calls are being timed */
    public static boolean isEnabled() {
        return enabled;
    }

    /** Sets every total to zero. */
    public static void reset() {
        for (Kind kind : Kind.values()) {
            NANOS.get(kind).reset();
            CALLS.get(kind).reset();
        }
    }

    /** @return each kind's totals since the last reset, in {@link Kind} order */
    public static Map<Kind, Total> totals() {
        Map<Kind, Total> totals = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            totals.put(kind, new Total(NANOS.get(kind).sum(), CALLS.get(kind).sum()));
        }
        return totals;
    }

    /** @return the start of a call to pass to {@link #stop}; 0 while timing is off */
    static long start() {
        return enabled ? System.nanoTime() : 0L;
    }

    /**
     * @param kind the kernel called
     * @param start what {@link #start} returned before the call
     */
    static void stop(Kind kind, long start) {
        if (start != 0L) {
            NANOS.get(kind).add(System.nanoTime() - start);
            CALLS.get(kind).increment();
        }
    }
}
