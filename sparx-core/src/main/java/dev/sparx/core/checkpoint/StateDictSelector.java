package dev.sparx.core.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict in a checkpoint as users have them: a bare state dict, {@code {'state_dict':
 * ...}} (timm, Lightning), {@code {'model': ...}} (DeiT, Swin and most research code), timm's EMA
 * weights on request, and strips a key prefix such as DistributedDataParallel's {@code module.}.
 */
final class StateDictSelector {

    private static final List<String> PLAIN_KEYS = List.of("state_dict", "model", "model_state_dict");
    private static final List<String> EMA_KEYS = List.of("state_dict_ema", "model_ema");

    private StateDictSelector() {}

    /**
     * @param root the checkpoint's unpickled object
     * @param options which weights and key prefix
     * @param file the checkpoint, for errors
     * @return key to tensor view, in saved order, prefix stripped
     * @throws CheckpointException if no state dict is found or one of its values is not a tensor
     */
    static Map<String, StoredTensor> select(Object root, CheckpointOptions options, CheckpointFile file) {
        if (!(root instanceof Map<?, ?> top)) {
            throw file.error("the checkpoint holds a " + SafeGlobals.typeName(root)
                    + ", not a state dict or a dict containing one");
        }
        Map.Entry<String, Map<?, ?>> chosen;
        if (options.ema()) {
            chosen = firstDict(top, EMA_KEYS);
            if (chosen == null) {
                throw file.error("EMA weights were asked for, but the checkpoint has none of " + EMA_KEYS
                        + "; its top-level keys are " + keyList(top));
            }
        } else if (allTensors(top)) {
            chosen = Map.entry("the top level", top);
        } else {
            chosen = firstDict(top, PLAIN_KEYS);
            if (chosen == null) {
                throw file.error("no state dict found: the top-level keys are " + keyList(top)
                        + "; expected tensors, or a dict under one of " + PLAIN_KEYS);
            }
        }
        String where = chosen.getKey();
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : chosen.getValue().entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw file.error("the state dict at " + where + " has a key of type "
                        + SafeGlobals.typeName(e.getKey()) + "; keys must be str");
            }
            if (!(e.getValue() instanceof StoredTensor t)) {
                throw file.error("entry '" + key + "' of the state dict at " + where + " is a "
                        + SafeGlobals.typeName(e.getValue()) + ", not a tensor");
            }
            String name = options.stripPrefix() != null && key.startsWith(options.stripPrefix())
                    ? key.substring(options.stripPrefix().length())
                    : key;
            if (out.put(name, t) != null) {
                throw file.error("stripping '" + options.stripPrefix() + "' makes two keys '" + name + "'");
            }
        }
        return out;
    }

    /** The first of {@code keys} under which {@code top} holds a dict, with where it was found. */
    private static Map.Entry<String, Map<?, ?>> firstDict(Map<?, ?> top, List<String> keys) {
        for (String k : keys) {
            if (top.get(k) instanceof Map<?, ?> m) {
                return Map.entry("'" + k + "'", m);
            }
        }
        return null;
    }

    private static boolean allTensors(Map<?, ?> m) {
        for (Object v : m.values()) {
            if (!(v instanceof StoredTensor)) {
                return false;
            }
        }
        return true;
    }

    private static String keyList(Map<?, ?> m) {
        List<String> keys = new ArrayList<>();
        for (Object k : m.keySet()) {
            if (keys.size() == 20) {
                keys.add("...");
                break;
            }
            keys.add(String.valueOf(k));
        }
        return keys.toString();
    }
}
