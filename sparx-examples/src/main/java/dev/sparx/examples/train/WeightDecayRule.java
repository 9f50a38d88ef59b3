package dev.sparx.examples.train;

import java.util.Set;

/**
 * Which parameters AdamW decays. timm's rule ({@code param_groups_weight_decay}) exempts every
 * parameter of at most one dimension (norm weights, biases, {@code Ds}) and every name ending in
 * {@code .bias}; the model's {@code no_weight_decay} names add {@code A_logs} and {@code Ds}. SparX's
 * layer scale keeps its per-channel weight in a (C, 1, 1, 1) tensor, which the shape rule misses,
 * so {@code layerscale_1} and {@code layerscale_2} are exempted by name. Everything else
 * (convolution and linear weights, {@code x_proj_weight}, {@code dt_projs_weight} and, as in timm,
 * the 2-D {@code dt_projs_bias}) is decayed.
 */
public final class WeightDecayRule {

    /** Parameter names (last path component) never decayed: the model's {@code no_weight_decay}. */
    public static final Set<String> NO_DECAY_NAMES = Set.of("A_logs", "Ds");

    /** Module names whose parameters are layer scale, exempt although 4-D. */
    public static final Set<String> LAYER_SCALE_MODULES = Set.of("layerscale_1", "layerscale_2");

    private WeightDecayRule() {}

    /**
     * Decides whether a parameter is decayed.
     *
     * @param name its state-dict key, e.g. {@code layers.2.blocks.0.op.A_logs}
     * @param shape its shape
     * @return true when AdamW applies weight decay to it
     */
    public static boolean decays(String name, long[] shape) {
        if (shape.length <= 1 || name.endsWith(".bias")) {
            return false;
        }
        String[] parts = name.split("\\.");
        if (NO_DECAY_NAMES.contains(parts[parts.length - 1])) {
            return false;
        }
        return parts.length < 2 || !LAYER_SCALE_MODULES.contains(parts[parts.length - 2]);
    }
}
