package dev.sparx.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint file opened for reading: its unpickled object (tensors as {@link StoredTensor}
 * views that are read only when loaded) and the state dict in it. Keep it open while loading
 * tensors; close it to release the file.
 */
public final class Checkpoint implements AutoCloseable {

    // the largest buffer storages are packed into; a larger storage gets a buffer of its own
    private static final long ARENA_BYTES = 1L << 30;

    private final CheckpointFile file;
    private final CheckpointFormat format;
    private final Object root;
    private final Map<String, String> metadata;

    Checkpoint(CheckpointFile file, CheckpointFormat format, Object root) {
        this(file, format, root, Map.of());
    }

    Checkpoint(CheckpointFile file, CheckpointFormat format, Object root, Map<String, String> metadata) {
        this.file = file;
        this.format = format;
        this.root = root;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** @return the file */
    public Path path() {
        return file.path();
    }

    /** @return the file's format */
    public CheckpointFormat format() {
        return format;
    }

    /**
     * The unpickled object as saved, with Python values as {@link Unpickler} maps them and tensors as
     * {@link StoredTensor}; for a {@code .safetensors} file, a dict of its tensors.
     *
     * @return the object (often a {@link Map})
     */
    public Object root() {
        return root;
    }

    /** @return a {@code .safetensors} file's {@code __metadata__}; empty for other formats */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensors of the state dict the options select, not yet read.
     *
     * @param options which weights and key prefix
     * @return key to tensor view, in saved order
     * @throws CheckpointException if no state dict is found
     */
    public Map<String, StoredTensor> stateDictTensors(CheckpointOptions options) {
        return StateDictSelector.select(root, options, file);
    }

    /**
     * Loads the plain state dict, keys as saved.
     *
     * @return the state dict
     */
    public StateDict stateDict() {
        return stateDict(CheckpointOptions.DEFAULT);
    }

    /**
     * Loads the state dict the options select. Each storage is read once, straight into the buffer
     * its tensors share; only views that are not contiguous are copied.
     *
     * @param options which weights and key prefix
     * @return the state dict
     * @throws CheckpointException if the file is corrupt, or if zero-stride views would expand to more
     *     memory than the whole file holds
     */
    public StateDict stateDict(CheckpointOptions options) {
        Map<String, StoredTensor> views = stateDictTensors(options);
        long expansion = 0;
        for (StoredTensor t : views.values()) {
            expansion += Math.max(0, t.materialisedBytes() - t.storageBytes());
        }
        if (expansion > file.length()) {
            throw file.error("the state dict's views would take " + expansion + " bytes more than their"
                    + " storages hold, more than the file's " + file.length() + " bytes; refusing to expand them");
        }
        Map<StorageRecord, ByteBuffer> storages = readStorages(views.values());
        StateDict out = new StateDict();
        for (Map.Entry<String, StoredTensor> e : views.entrySet()) {
            StoredTensor t = e.getValue();
            out.put(e.getKey(), t.materialise(storages.get(t.record())));
        }
        return out;
    }

    /**
     * Reads each storage the tensors use once, packed into a few large buffers rather than one
     * buffer each: the garbage collector rounds every large array up to whole heap regions, which for
     * a thousand storages of a few hundred kilobytes would waste a third of the heap.
     */
    private Map<StorageRecord, ByteBuffer> readStorages(Collection<StoredTensor> tensors) {
        Set<StorageRecord> records = new LinkedHashSet<>();
        for (StoredTensor t : tensors) {
            records.add(t.record());
        }
        Map<StorageRecord, ByteBuffer> out = new HashMap<>();
        List<StorageRecord> pending = new ArrayList<>();
        long pendingBytes = 0;
        for (StorageRecord r : records) {
            if (!pending.isEmpty() && pendingBytes + r.byteSize() > ARENA_BYTES) {
                readInto(pending, pendingBytes, out);
                pending.clear();
                pendingBytes = 0;
            }
            pending.add(r);
            pendingBytes += r.byteSize();
        }
        if (!pending.isEmpty()) {
            readInto(pending, pendingBytes, out);
        }
        return out;
    }

    private void readInto(List<StorageRecord> records, long bytes, Map<StorageRecord, ByteBuffer> out) {
        if (bytes > CheckpointFile.MAX_BUFFER) {
            throw file.error("storage '" + records.get(0).name() + "' has " + bytes
                    + " bytes, more than one Java buffer holds (2 GiB)");
        }
        ByteBuffer arena = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        for (StorageRecord r : records) {
            ByteBuffer slice = arena.slice(pos, (int) r.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            r.readInto(slice.duplicate());
            out.put(r, slice);
            pos += (int) r.byteSize();
        }
    }

    /**
     * Every tensor anywhere in the checkpoint (model, EMA, optimizer state...), keyed by its path of
     * dict keys, list indices and attribute names joined with dots; a tensor reachable twice is
     * listed once.
     *
     * @return path to tensor view
     * @throws CheckpointException if the object nests deeper than {@link Unpickler#MAX_NESTING}
     */
    public Map<String, StoredTensor> allTensors() {
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        collect(root, "", 0, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(Object o, String path, int depth, Map<String, StoredTensor> out, Set<Object> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || !seen.add(o)) {
            return;
        }
        if (depth > Unpickler.MAX_NESTING) {
            throw file.error("the checkpoint's objects nest deeper than " + Unpickler.MAX_NESTING + " levels");
        }
        if (o instanceof StoredTensor t) {
            out.put(path, t);
        } else if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                collect(e.getValue(), join(path, e.getKey()), depth + 1, out, seen);
            }
        } else if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collect(l.get(i), join(path, i), depth + 1, out, seen);
            }
        } else if (o instanceof PyTuple t) {
            for (int i = 0; i < t.size(); i++) {
                collect(t.get(i), join(path, i), depth + 1, out, seen);
            }
        } else if (o instanceof PyObject p) {
            collect(p.state(), path, depth + 1, out, seen);
        }
    }

    private static String join(String path, Object key) {
        String k = key instanceof PyTuple ? "(tuple)" : String.valueOf(key);
        return path.isEmpty() ? k : path + "." + k;
    }

    @Override
    public void close() {
        file.close();
    }
}
