package dev.sparx.models;

import java.util.List;

/**
 * What loading a state dict into a network did.
 *
 * @param loaded how many entries were copied into the network
 * @param missing the network's keys the state dict lacks (left as they were)
 * @param unexpected the state dict's keys the network does not have (ignored)
 * @param mismatched keys both have with different shapes or incompatible dtypes, each described
 *     as {@code key: checkpoint float32[..], model [..]} (left as they were)
 */
public record LoadReport(int loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {

    /**
     * Copies the lists.
     *
     * @param loaded how many entries were copied into the network
     * @param missing the network's keys the state dict lacks
     * @param unexpected the state dict's keys the network does not have
     * @param mismatched keys both have with different shapes or incompatible dtypes, described
     */
    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /** @return whether every key matched: nothing missing, unexpected or mismatched */
    public boolean isExact() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** @return a one-paragraph account: the counts, and the keys of each problem (the first ten) */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(loaded).append(" entries loaded");
        part(sb, "missing from the checkpoint", missing);
        part(sb, "not in the model", unexpected);
        part(sb, "of another shape or dtype", mismatched);
        return sb.toString();
    }

    private static void part(StringBuilder sb, String what, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        int shown = Math.min(10, keys.size());
        sb.append("; ").append(keys.size()).append(' ').append(keys.size() == 1 ? "key " : "keys ").append(what)
                .append(": ").append(String.join(", ", keys.subList(0, shown)));
        if (shown < keys.size()) {
            sb.append(", ... and ").append(keys.size() - shown).append(" more");
        }
    }
}
