package dev.sparx.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Hand-made pickles and the zip checkpoints around them, for inputs torch would never write. */
final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with {@code PROTO 2}. */
    PickleBytes() {
        op(0x80, 2);
    }

    /** Starts with the given bytes, taken as they are. */
    PickleBytes(byte[] pickle) {
        out.writeBytes(pickle);
    }

    PickleBytes op(int... codes) {
        for (int c : codes) {
            out.write(c);
        }
        return this;
    }

    PickleBytes repeat(int code, int times) {
        for (int i = 0; i < times; i++) {
            out.write(code);
        }
        return this;
    }

    /** Raw text, for protocol 0's line-based arguments. */
    PickleBytes text(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** {@code BINUNICODE}. */
    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        return u32(b.length).raw(b);
    }

    PickleBytes u32(long v) {
        return op((int) v & 0xff, (int) (v >>> 8) & 0xff, (int) (v >>> 16) & 0xff, (int) (v >>> 24) & 0xff);
    }

    PickleBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** {@code GLOBAL}. */
    PickleBytes global(String module, String name) {
        return op('c').text(module + "\n" + name + "\n");
    }

    /** An int as {@code LONG1}, whatever its size. */
    PickleBytes integer(long v) {
        op(0x8a, 8);
        for (int i = 0; i < 8; i++) {
            op((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleBytes ints(long... values) {
        op('(');
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    /** Starts {@code OrderedDict()} and a mark for its items. */
    PickleBytes beginStateDict() {
        return global("collections", "OrderedDict").op(')', 'R', '(');
    }

    /** Closes the items with {@code SETITEMS} and the pickle with {@code STOP}. */
    PickleBytes endStateDict() {
        return op('u', '.');
    }

    /** A {@code _rebuild_tensor_v2} call on storage {@code key}, as torch.save writes it. */
    PickleBytes tensor(String storageType, String key, long numel, long offset, long[] shape, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").op('(');
        return storageId(storageType, key, numel).op('t', 'Q').rebuildArgs(offset, shape, stride);
    }

    /**
     * Opens a persistent id and writes its five fields {@code ('storage', type, key, 'cpu', numel};
     * the caller closes it with {@code t Q} (legacy ids add a sixth field first).
     */
    PickleBytes storageId(String storageType, String key, long numel) {
        return op('(').str("storage").global("torch", storageType).str(key).str("cpu").integer(numel);
    }

    /** The arguments after the storage, closing the argument tuple and calling the rebuild function. */
    PickleBytes rebuildArgs(long offset, long[] shape, long[] stride) {
        integer(offset).ints(shape).ints(stride).op(0x89);
        return global("collections", "OrderedDict").op(')', 'R', 't', 'R');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /**
     * Writes a zip checkpoint: {@code archive/data.pkl} and the given storage records.
     *
     * @param file destination
     * @param storages key to bytes of {@code archive/data/<key>}
     * @return the file
     */
    Path writeCheckpoint(Path file, Map<String, byte[]> storages) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ZipWriter zip = new ZipWriter(ch, false);
            zip.add("archive/data.pkl", ByteBuffer.wrap(bytes()));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                zip.add(e.getKey().contains("/") ? e.getKey() : "archive/data/" + e.getKey(),
                        ByteBuffer.wrap(e.getValue()));
            }
            zip.finish();
        }
        return file;
    }
}
