package dev.sparx.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one rule between a block's parameters and the authors' state-dict keys: a parameter's key is
 * the names of the blocks on its path from the root, then its own name, joined with dots. Every
 * block of this package is registered under the name its counterpart has in the authors' modules
 * ({@code layers.2}, {@code blocks.0}, {@code op}, {@code q}, {@code 0.1}, ...), and every parameter
 * and buffer under torch's name ({@code weight}, {@code running_mean}, {@code A_logs}, ...), so the
 * rule needs no exceptions. DJL prefixes each child's name with its position ("01", "02", ...);
 * that prefix is dropped.
 *
 * <p>The order is torch's: a block's own parameters, then its children's.
 */
public final class StateDictKeys {

    private StateDictKeys() {}

    /**
     * @param root the network (or any block of it, whose keys are then relative to it)
     * @return state-dict key to parameter, in state-dict order
     */
    public static Map<String, Parameter> of(Block root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Parameter p : block.getDirectParameters().values()) {
            out.put(prefix + p.getName(), p);
        }
        int position = 1;
        for (Pair<String, Block> child : block.getChildren()) {
            String ordinal = String.format(Locale.ROOT, "%02d", position++);
            String name = child.getKey();
            if (!name.startsWith(ordinal)) {
                throw new IllegalStateException("DJL child name '" + name + "' lacks its ordinal " + ordinal);
            }
            collect(child.getValue(), prefix + name.substring(ordinal.length()) + ".", out);
        }
    }
}
