package dev.sparx.core.checkpoint;

import dev.sparx.core.SparxException;
import dev.sparx.core.tensor.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A PyTorch state dict: parameter and buffer names mapped to tensors, in the order they were
 * saved.
 */
public final class StateDict {

    private final Map<String, HostTensor> entries;

    /** Creates an empty state dict. */
    public StateDict() {
        this.entries = new LinkedHashMap<>();
    }

    /**
     * Copies entries, keeping their order.
     *
     * @param entries key to tensor
     */
    public StateDict(Map<String, HostTensor> entries) {
        this.entries = new LinkedHashMap<>(entries);
    }

    /**
     * Adds or replaces an entry.
     *
     * @param key state-dict key, e.g. {@code layers.0.blocks.0.norm.weight}
     * @param tensor its value
     */
    public void put(String key, HostTensor tensor) {
        entries.put(key, tensor);
    }

    /**
     * Looks an entry up.
     *
     * @param key state-dict key
     * @return the tensor
     * @throws SparxException if the key is absent
     */
    public HostTensor get(String key) {
        HostTensor t = entries.get(key);
        if (t == null) {
            throw new SparxException("state dict has no key '" + key + "'");
        }
        return t;
    }

    /**
     * @param key state-dict key
     * @return whether it is present
     */
    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** @return the keys in saved order */
    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** @return an unmodifiable view of the entries in saved order */
    public Map<String, HostTensor> asMap() {
        return Collections.unmodifiableMap(entries);
    }

    /** @return the number of entries */
    public int size() {
        return entries.size();
    }

    /** @return the total number of elements over all entries */
    public long totalElements() {
        long n = 0;
        for (HostTensor t : entries.values()) {
            n += t.numel();
        }
        return n;
    }
}
