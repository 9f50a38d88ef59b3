package dev.sparx.kernels;

import dev.sparx.core.SparxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The selective-scan implementations users choose from by name ({@code --scan NAME}), and the
 * choice {@code auto} makes: the first implementation, in order of preference, that can run here.
 */
public final class SelectiveScans {

    /** The name that picks the fastest implementation that can run here. */
    public static final String AUTO = "auto";

    /** Name to factory, fastest first; a factory throws {@link SparxException} when it cannot run. */
    private static final Map<String, Supplier<SelectiveScan>> BY_PREFERENCE = new LinkedHashMap<>();

    static {
        BY_PREFERENCE.put(NdArraySelectiveScan.NAME, NdArraySelectiveScan::new);
    }

    private SelectiveScans() {}

    /**
     * Finds an implementation.
     *
     * @param name {@code auto} or one of {@link #names()}
     * @return the implementation
     * @throws SparxException if the name is unknown or that implementation cannot run here
     */
    public static SelectiveScan byName(String name) {
        if (AUTO.equals(name)) {
            return auto();
        }
        Supplier<SelectiveScan> factory = BY_PREFERENCE.get(name);
        if (factory == null) {
            throw new SparxException("unknown selective scan '" + name + "'; expected one of " + choices());
        }
        return factory.get();
    }

    /**
     * The fastest implementation that can run here.
     *
     * @return the implementation; the NDArray one runs everywhere
     */
    public static SelectiveScan auto() {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Supplier<SelectiveScan>> e : BY_PREFERENCE.entrySet()) {
            try {
                return e.getValue().get();
            } catch (SparxException unavailable) {
                failures.add(e.getKey() + ": " + unavailable.getMessage());
            }
        }
        throw new SparxException("no selective scan can run here: " + failures);
    }

    /** @return the names {@link #byName(String)} accepts besides {@code auto}, fastest first */
    public static List<String> names() {
        return List.copyOf(BY_PREFERENCE.keySet());
    }

    private static String choices() {
        List<String> all = new ArrayList<>(List.of(AUTO));
        all.addAll(BY_PREFERENCE.keySet());
        return String.join(", ", all);
    }
}
