package dev.sparx.kernels;

import dev.sparx.core.SparxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Chooses a {@link SelectiveScan} by the name users give it: {@code auto} (the default: the native
 * or CUDA kernel where it can run and no gradients are being recorded, else the NDArray one),
 * {@code ndarray}, {@code native} or {@code cuda}. Naming a kernel that cannot run here fails with
 * the reason; {@code auto} falls back instead and logs the reason once.
 */
public final class SelectiveScans {

    /** The names {@link #select} accepts. */
    public static final List<String> NAMES = List.of("auto", "ndarray", "native", "cuda");

    private SelectiveScans() {}

    /**
     * @param name one of {@link #NAMES}, in any case
     * @param portable the NDArray implementation, for {@code ndarray} and {@code auto}'s fallback
     * @return the implementation
     * @throws SparxException for an unknown name, or a named kernel that cannot run here
     */
    public static SelectiveScan select(String name, SelectiveScan portable) {
        return select(name, portable, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param name one of {@link #NAMES}, in any case
     * @param portable the NDArray implementation, for {@code ndarray} and {@code auto}'s fallback
     * @param threads the most threads the native CPU kernel uses per call, at least 1
     * @return the implementation
     * @throws SparxException for an unknown name, or a named kernel that cannot run here
     */
    public static SelectiveScan select(String name, SelectiveScan portable, int threads) {
        Objects.requireNonNull(portable, "portable");
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (key) {
            case "auto":
                return new AutoSelectiveScan(portable, threads);
            case "ndarray":
                return portable;
            case "native":
                NativeSelectiveScan.unavailableReason().ifPresent(reason -> {
                    throw new SparxException("selective scan: native was asked for but is unavailable: " + reason);
                });
                return new NativeSelectiveScan(threads);
            case "cuda":
                CudaSelectiveScan.unavailableReason().ifPresent(reason -> {
                    throw new SparxException("selective scan: cuda was asked for but is unavailable: " + reason);
                });
                return new CudaSelectiveScan();
            default:
                throw new SparxException("selective scan: unknown implementation '" + name + "'; expected one of "
                        + NAMES);
        }
    }
}
