package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what {@code torch.save} writes: the zip format of torch 1.6 and later (a pickle {@code
 * <prefix>/data.pkl} whose persistent ids name storage records {@code <prefix>/data/<key>}) and the
 * legacy format before it (a magic number, a protocol version, a system-info dict, the main pickle,
 * the list of storage keys, then each storage as an 8-byte element count and its raw bytes). Only
 * the pickles are parsed here; storages are bound to their place in the file and read on demand.
 */
final class PthReader {

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private PthReader() {}

    /**
     * Reads a zip-format checkpoint's pickle.
     *
     * @param file an open file starting with a zip header
     * @return the checkpoint, its storages located but not yet read
     */
    static Checkpoint readZip(CheckpointFile file) {
        ZipArchive zip = ZipArchive.open(file);
        String prefix = archivePrefix(zip);
        ZipArchive.Entry byteorder = zip.entries().get(prefix + "byteorder");
        if (byteorder != null) {
            String order = new String(bytes(zip.read(byteorder)), StandardCharsets.US_ASCII).strip();
            if (order.equals("big")) {
                throw file.error("the checkpoint was saved on a big-endian machine; only little-endian"
                        + " data is read (load and re-save it on a little-endian machine)");
            }
            if (!order.equals("little")) {
                throw file.error("the byteorder record says '" + order + "'; expected 'little' or 'big'");
            }
        }
        String pklName = prefix + "data.pkl";
        Map<String, StorageRecord> storages = new HashMap<>();
        Unpickler.PersistentLoader loader = (pid, u) -> declared(storageId(pid, 5, u), u, storages,
                (key, dtype, numel) -> {
                    String name = prefix + "data/" + key;
                    ZipArchive.Entry entry = zip.entries().get(name);
                    if (entry == null) {
                        throw u.error("the pickle refers to storage record '" + name + "', which the archive lacks");
                    }
                    StorageRecord rec = new StorageRecord(name, dtype, numel, u::error);
                    zip.checkedDataOffset(entry);
                    rec.bind(file, entry.size(), dest -> zip.readInto(entry, dest));
                    return rec;
                }).whole();
        Object root = new Unpickler(zip.read(zip.entries().get(pklName)), file, pklName, loader).load();
        return new Checkpoint(file, CheckpointFormat.PTH_ZIP, root);
    }

    private static String archivePrefix(ZipArchive zip) {
        List<String> found = new ArrayList<>();
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                found.add(name.substring(0, slash + 1));
            }
        }
        CheckpointFile file = zip.file();
        if (found.size() == 1) {
            if (zip.entries().containsKey(found.get(0) + "constants.pkl")) {
                throw file.error("this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint;"
                        + " save its state_dict() with torch.save instead");
            }
            return found.get(0);
        }
        if (found.size() > 1) {
            throw file.error("the zip archive holds several torch.save archives: " + found);
        }
        throw file.error("this zip archive has no <dir>/data.pkl record, so torch.save did not write it");
    }

    /**
     * Reads a legacy (before torch 1.6) checkpoint's pickles and locates its storages.
     *
     * @param file an open file starting with a pickle
     * @return the checkpoint
     */
    static Checkpoint readLegacy(CheckpointFile file) {
        ByteBuffer buf = file.map(0, Math.min(file.length(), CheckpointFile.MAX_BUFFER));
        Object magic = new Unpickler(buf, file, "magic number", Unpickler.NO_PERSISTENT_IDS).load();
        if (!(magic instanceof BigInteger m && m.equals(LEGACY_MAGIC))) {
            throw file.error("the file is a pickle but not a torch.save checkpoint (no legacy magic number)");
        }
        Object protocol = new Unpickler(buf, file, "protocol version", Unpickler.NO_PERSISTENT_IDS).load();
        if (!(protocol instanceof Long p && p == LEGACY_PROTOCOL)) {
            throw file.error("unsupported legacy protocol version " + protocol + "; expected " + LEGACY_PROTOCOL);
        }
        Object sysInfo = new Unpickler(buf, file, "system info", Unpickler.NO_PERSISTENT_IDS).load();
        if (!(sysInfo instanceof Map<?, ?> info)) {
            throw file.error("the legacy system-info record is not a dict");
        }
        if (!Boolean.TRUE.equals(info.get("little_endian"))) {
            throw file.error("the checkpoint was saved on a big-endian machine; only little-endian"
                    + " data is read (load and re-save it on a little-endian machine)");
        }
        Map<String, StorageRecord> storages = new HashMap<>();
        Unpickler.PersistentLoader loader = (pid, u) -> {
            PyTuple t = storageId(pid, 6, u);
            StorageRecord.Slice whole = declared(t, u, storages,
                    (key, dtype, numel) -> new StorageRecord("legacy storage " + key, dtype, numel, u::error))
                    .whole();
            return t.get(5) == null ? whole : legacyView(whole, t.get(5), u);
        };
        Object root = new Unpickler(buf, file, "main pickle", loader).load();
        Object keys = new Unpickler(buf, file, "storage key list", Unpickler.NO_PERSISTENT_IDS).load();
        if (!(keys instanceof List<?> keyList)) {
            throw file.error("the legacy storage key list is a " + SafeGlobals.typeName(keys) + ", not a list");
        }
        long pos = buf.position();
        for (Object k : keyList) {
            StorageRecord rec = storages.get(k);
            if (rec == null) {
                throw file.error("the storage key list names '" + k + "', which no tensor declares");
            }
            long elements = file.read(pos, 8, "element count of " + rec.name()).getLong(0);
            if (elements < 0 || elements > CheckpointFile.MAX_BUFFER) {
                throw file.error(rec.name() + " has an impossible element count " + elements);
            }
            long bytes = elements * rec.dtype().byteSize();
            long start = pos + 8;
            file.checkRegion(start, bytes, rec.name());
            rec.bind(file, bytes, dest -> file.readInto(start, dest, rec.name()));
            pos = start + bytes;
        }
        for (StorageRecord rec : storages.values()) {
            if (!rec.isBound()) {
                throw file.error(rec.name() + " is used by a tensor but missing from the storage key list");
            }
        }
        return new Checkpoint(file, CheckpointFormat.PTH_LEGACY, root);
    }

    private static StorageRecord.Slice legacyView(StorageRecord.Slice root, Object meta, Unpickler u) {
        if (!(meta instanceof PyTuple v && v.size() == 3)) {
            throw u.error("a legacy storage view must be (key, offset, size)");
        }
        int es = root.dtype().byteSize();
        long offset = count(v.get(1), u);
        long size = count(v.get(2), u);
        if (offset > root.byteLength() / es || size > root.byteLength() / es - offset) {
            throw u.error("a legacy storage view of " + size + " elements at " + offset
                    + " reaches past its storage '" + root.record().name() + "'");
        }
        return new StorageRecord.Slice(root.record(), offset * es, size * es, root.dtype());
    }

    private static PyTuple storageId(Object pid, int size, Unpickler u) {
        if (pid instanceof PyTuple t && t.size() == size && "storage".equals(t.get(0))) {
            return t;
        }
        throw u.error("a persistent id must be a " + size + "-tuple starting with 'storage', found a "
                + SafeGlobals.typeName(pid));
    }

    /** Creates the record of a storage the first time a persistent id names its key. */
    @FunctionalInterface
    private interface StorageFactory {
        StorageRecord create(String key, DType dtype, long numel);
    }

    /**
     * The storage a persistent id ({@code 'storage', type, key, location, numel, ...}) declares:
     * the same record each time its key appears, which must be declared the same way each time.
     */
    private static StorageRecord declared(
            PyTuple pid, Unpickler u, Map<String, StorageRecord> storages, StorageFactory factory) {
        DType dtype = u.storageDType(pid.get(1));
        String key = string(pid.get(2), "storage key", u);
        long numel = count(pid.get(4), u);
        StorageRecord rec = storages.get(key);
        if (rec == null) {
            rec = factory.create(key, dtype, numel);
            storages.put(key, rec);
        } else if (rec.dtype() != dtype || rec.numel() != numel) {
            throw u.error("storage '" + rec.name() + "' is declared as " + rec.numel() + " "
                    + rec.dtype().displayName() + " and again as " + numel + " " + dtype.displayName());
        }
        return rec;
    }

    private static String string(Object o, String what, Unpickler u) {
        if (o instanceof String s) {
            return s;
        }
        throw u.error(what + " must be a str, found a " + SafeGlobals.typeName(o));
    }

    private static long count(Object o, Unpickler u) {
        if (o instanceof Long l && l >= 0) {
            return l;
        }
        throw u.error("expected a non-negative int, found " + SafeGlobals.typeName(o));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
