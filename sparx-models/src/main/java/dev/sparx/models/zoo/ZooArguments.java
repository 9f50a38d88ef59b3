package dev.sparx.models.zoo;

import dev.sparx.core.SparxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code Criteria} arguments ({@code optArgument(key, value)}) the SparX zoo reads, typed. DJL
 * hands arguments over as objects of any type, so each accessor takes the natural type or its text
 * form; an unknown key is an error, so that a misspelt {@code checkpoint} does not quietly fall back
 * to downloading the released weights.
 */
final class ZooArguments {

    private static final Set<String> KNOWN = Set.of(
            SparXModelZoo.CHECKPOINT, SparXModelZoo.CONFIG, SparXModelZoo.NUM_CLASSES, SparXModelZoo.EMA,
            SparXModelZoo.SCAN, SparXModelZoo.CACHE_DIR, SparXModelZoo.RELEASE_URL,
            SparXTranslatorFactory.APPLY_SOFTMAX, SparXTranslatorFactory.TOP_K, SparXTranslatorFactory.SYNSET,
            // set by DJL's own loaders when a Criteria names an application
            "application");

    private final Map<String, ?> arguments;

    ZooArguments(Map<String, ?> arguments) {
        this.arguments = arguments == null ? Map.of() : arguments;
        for (String key : this.arguments.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new SparxException(
                        "unknown Criteria argument '" + key + "'; the SparX zoo knows " + new TreeSet<>(KNOWN));
            }
        }
    }

    boolean has(String key) {
        return arguments.get(key) != null;
    }

    Object get(String key) {
        return arguments.get(key);
    }

    /** @return the path, or null when absent */
    Path path(String key) {
        Object v = arguments.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Path p) {
            return p;
        }
        if (v instanceof String s && !s.isBlank()) {
            return Path.of(s);
        }
        throw new SparxException("Criteria argument '" + key + "' must be a file path (Path or String), got " + v);
    }

    String string(String key, String fallback) {
        Object v = arguments.get(key);
        return v == null ? fallback : v.toString();
    }

    boolean bool(String key, boolean fallback) {
        Object v = arguments.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if ("true".equalsIgnoreCase(v.toString()) || "false".equalsIgnoreCase(v.toString())) {
            return Boolean.parseBoolean(v.toString());
        }
        throw new SparxException("Criteria argument '" + key + "' must be true or false, got " + v);
    }

    /** @return the value, at least {@code min}; the fallback when absent */
    int integer(String key, int fallback, int min) {
        Object v = arguments.get(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = v instanceof Number num && num.doubleValue() == num.intValue() ? num.intValue()
                    : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new SparxException("Criteria argument '" + key + "' must be an integer, got " + v, e);
        }
        if (n < min) {
            throw new SparxException("Criteria argument '" + key + "' = " + n + " must be at least " + min);
        }
        return n;
    }
}
