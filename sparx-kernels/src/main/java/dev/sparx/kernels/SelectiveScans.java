package dev.sparx.kernels;

import dev.sparx.core.SparxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The selective-scan implementations users choose from by name ({@code --scan NAME}):
 * {@code ndarray} (plain NDArray operations: any engine and device, differentiable), {@code native}
 * (the CPU kernel, {@link NativeSelectiveScan}), {@code cuda} (the GPU kernel,
 * {@link CudaSelectiveScan}), and {@code auto}, which decides per call: the native or CUDA kernel
 * for float32 arrays on its device when it can run here and no gradients are being recorded (the
 * kernels have no backward), else the NDArray one. Naming a kernel that cannot run here fails with
 * the reason; {@code auto} falls back instead and logs the reason once.
 */
public final class SelectiveScans {

    /** The name that picks, per call, the fastest implementation that can run. */
    public static final String AUTO = "auto";

    private SelectiveScans() {}

    /**
     * Finds an implementation; the native kernel uses every processor the JVM reports.
     *
     * @param name {@code auto} or one of {@link #names()}
     * @return the implementation
     * @throws SparxException if the name is unknown or that kernel cannot run here
     */
    public static SelectiveScan byName(String name) {
        return byName(name, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Finds an implementation.
     *
     * @param name {@code auto} or one of {@link #names()}
     * @param threads the most threads the native CPU kernel uses per call, at least 1
     * @return the implementation
     * @throws SparxException if the name is unknown or that kernel cannot run here
     */
    public static SelectiveScan byName(String name, int threads) {
        if (AUTO.equals(name)) {
            return new AutoSelectiveScan(new NdArraySelectiveScan(), threads);
        }
        if (NdArraySelectiveScan.NAME.equals(name)) {
            return new NdArraySelectiveScan();
        }
        if (NativeSelectiveScan.NAME.equals(name)) {
            NativeSelectiveScan.unavailableReason().ifPresent(reason -> {
                throw new SparxException("selective scan 'native' cannot run here: " + reason);
            });
            return new NativeSelectiveScan(threads);
        }
        if (CudaSelectiveScan.NAME.equals(name)) {
            CudaSelectiveScan.unavailableReason().ifPresent(reason -> {
                throw new SparxException("selective scan 'cuda' cannot run here: " + reason);
            });
            return new CudaSelectiveScan();
        }
        throw new SparxException("unknown selective scan '" + name + "'; expected one of " + choices());
    }

    /**
     * The per-call choice described above, the native kernel using every processor the JVM reports.
     *
     * @return the implementation named {@code auto}
     */
    public static SelectiveScan auto() {
        return byName(AUTO);
    }

    /** @return the names {@link #byName(String)} accepts besides {@code auto}, fastest first */
    public static List<String> names() {
        return List.of(CudaSelectiveScan.NAME, NativeSelectiveScan.NAME, NdArraySelectiveScan.NAME);
    }

    private static String choices() {
        List<String> all = new ArrayList<>(List.of(AUTO));
        all.addAll(names());
        return String.join(", ", all);
    }
}
