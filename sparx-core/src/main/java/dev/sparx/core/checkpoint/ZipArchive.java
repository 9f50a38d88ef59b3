package dev.sparx.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The zip container of {@code torch.save}'s format (since torch 1.6): the central directory, with
 * ZIP64 where sizes or offsets pass 4 GiB, and the entries' bytes read straight into their final
 * buffers. {@code java.util.zip.ZipFile} cannot be used because it hides where a stored entry's
 * bytes begin in the file, and reading through its streams would copy every storage twice.
 */
final class ZipArchive {

    /** An entry as the central directory describes it. */
    record Entry(String name, int method, long crc, long compressedSize, long size, long headerOffset) {}

    static final int STORED = 0;
    static final int DEFLATED = 8;

    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final long U32 = 0xffffffffL;
    // deflate cannot expand data by more than about 1032:1, so a larger declared size is a lie
    private static final long MAX_DEFLATE_RATIO = 1032;

    private final CheckpointFile file;
    private final Map<String, Entry> entries;

    private ZipArchive(CheckpointFile file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /**
     * Reads the central directory.
     *
     * @param file an open file that starts with a zip local header
     * @return the archive
     * @throws CheckpointException if the directory is missing, truncated or inconsistent
     */
    static ZipArchive open(CheckpointFile file) {
        long length = file.length();
        int tailSize = (int) Math.min(length, EOCD_SIZE + 0xffff);
        ByteBuffer tail = file.read(length - tailSize, tailSize, "zip end record");
        int eocd = -1;
        for (int i = tailSize - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw file.error("zip archive has no end-of-central-directory record: the file is truncated");
        }
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & U32;
        long cdOffset = tail.getInt(eocd + 16) & U32;
        if (count == 0xffff || cdSize == U32 || cdOffset == U32) {
            long eocdPos = length - tailSize + eocd;
            ByteBuffer z64 = zip64EndRecord(file, eocdPos);
            count = z64.getLong(32);
            cdSize = z64.getLong(40);
            cdOffset = z64.getLong(48);
        }
        if (count < 0 || cdSize < 0 || count > cdSize / CENTRAL_SIZE) {
            throw file.error("zip central directory claims " + count + " entries in " + cdSize + " bytes");
        }
        ByteBuffer cd = file.read(cdOffset, cdSize, "zip central directory");
        Map<String, Entry> map = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            Entry e = centralEntry(file, cd, p);
            if (map.putIfAbsent(e.name(), e) != null) {
                throw file.error("zip archive holds the entry '" + e.name() + "' twice");
            }
            p += CENTRAL_SIZE + (cd.getShort(p + 28) & 0xffff) + (cd.getShort(p + 30) & 0xffff)
                    + (cd.getShort(p + 32) & 0xffff);
        }
        return new ZipArchive(file, Collections.unmodifiableMap(map));
    }

    private static ByteBuffer zip64EndRecord(CheckpointFile file, long eocdPos) {
        if (eocdPos < 20) {
            throw file.error("zip archive needs ZIP64 but has no ZIP64 locator");
        }
        ByteBuffer loc = file.read(eocdPos - 20, 20, "ZIP64 locator");
        if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
            throw file.error("zip archive needs ZIP64 but has no ZIP64 locator");
        }
        ByteBuffer rec = file.read(loc.getLong(8), 56, "ZIP64 end record");
        if (rec.getInt(0) != ZIP64_EOCD_SIG) {
            throw file.error("ZIP64 locator points at no ZIP64 end record");
        }
        return rec;
    }

    private static Entry centralEntry(CheckpointFile file, ByteBuffer cd, int p) {
        if (p < 0 || cd.limit() - p < CENTRAL_SIZE || cd.getInt(p) != CENTRAL_SIG) {
            throw file.error("zip central directory is corrupt at byte " + p);
        }
        int flags = cd.getShort(p + 8) & 0xffff;
        int method = cd.getShort(p + 10) & 0xffff;
        long crc = cd.getInt(p + 16) & U32;
        long csize = cd.getInt(p + 20) & U32;
        long size = cd.getInt(p + 24) & U32;
        int nameLen = cd.getShort(p + 28) & 0xffff;
        int extraLen = cd.getShort(p + 30) & 0xffff;
        long offset = cd.getInt(p + 42) & U32;
        if (cd.limit() - p - CENTRAL_SIZE < nameLen + extraLen) {
            throw file.error("zip central directory is truncated");
        }
        byte[] nameBytes = new byte[nameLen];
        cd.get(p + CENTRAL_SIZE, nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if ((flags & 1) != 0) {
            throw file.error("zip entry '" + name + "' is encrypted");
        }
        // ZIP64 extended information: only the fields whose 32-bit slot is saturated, in this order
        int q = p + CENTRAL_SIZE + nameLen;
        int extraEnd = q + extraLen;
        while (q + 4 <= extraEnd) {
            int id = cd.getShort(q) & 0xffff;
            int len = cd.getShort(q + 2) & 0xffff;
            int r = q + 4;
            if (r + len > extraEnd) {
                throw file.error("zip entry '" + name + "' has a truncated extra field");
            }
            if (id == 1) {
                int end = r + len;
                if (size == U32) {
                    size = zip64Field(file, cd, r, end, name);
                    r += 8;
                }
                if (csize == U32) {
                    csize = zip64Field(file, cd, r, end, name);
                    r += 8;
                }
                if (offset == U32) {
                    offset = zip64Field(file, cd, r, end, name);
                }
            }
            q += 4 + len;
        }
        return new Entry(name, method, crc, csize, size, offset);
    }

    private static long zip64Field(CheckpointFile file, ByteBuffer cd, int r, int end, String name) {
        if (r + 8 > end) {
            throw file.error("zip entry '" + name + "' has a truncated ZIP64 field");
        }
        long v = cd.getLong(r);
        if (v < 0) {
            throw file.error("zip entry '" + name + "' has a negative ZIP64 size or offset");
        }
        return v;
    }

    /** @return the entries by name, in central-directory order */
    Map<String, Entry> entries() {
        return entries;
    }

    /** @return the file the archive lives in */
    CheckpointFile file() {
        return file;
    }

    /**
     * Reads an entry's bytes into a new buffer and checks its CRC-32.
     *
     * @param e the entry
     * @return its uncompressed bytes, little-endian, position 0
     * @throws CheckpointException if it lies outside the file, fails its CRC, or is compressed with
     *     a method other than deflate
     */
    ByteBuffer read(Entry e) {
        long dataOffset = checkedDataOffset(e);
        ByteBuffer out = ByteBuffer.allocate((int) e.size()).order(ByteOrder.LITTLE_ENDIAN);
        fill(e, dataOffset, out.duplicate());
        return out;
    }

    /**
     * Reads an entry's bytes into a buffer that has room for exactly them, and checks its CRC-32.
     *
     * @param e the entry
     * @param dest receives {@code e.size()} bytes
     * @throws CheckpointException if it lies outside the file, fails its CRC, or is compressed with
     *     a method other than deflate
     */
    void readInto(Entry e, ByteBuffer dest) {
        if (dest.remaining() != e.size()) {
            throw new IllegalArgumentException("zip entry '" + e.name() + "' needs a buffer of " + e.size() + " bytes");
        }
        fill(e, checkedDataOffset(e), dest);
    }

    /**
     * Checks an entry's method and sizes against the file, so that nothing is allocated for sizes
     * the file cannot hold.
     *
     * @param e the entry
     * @return the file offset of its first data byte
     * @throws CheckpointException if its data lies outside the file or its sizes are inconsistent
     */
    long checkedDataOffset(Entry e) {
        String what = "zip entry '" + e.name() + "'";
        long dataOffset = dataOffset(e);
        file.checkRegion(dataOffset, e.compressedSize(), what);
        if (e.method() == STORED && e.compressedSize() != e.size()) {
            throw file.error(what + " is stored uncompressed but its two recorded sizes differ");
        }
        if (e.method() == DEFLATED && e.size() > e.compressedSize() * MAX_DEFLATE_RATIO + 1024) {
            throw file.error(what + " claims " + e.size() + " bytes from " + e.compressedSize() + " compressed");
        }
        if (e.method() != STORED && e.method() != DEFLATED) {
            throw file.error(what + " uses compression method " + e.method() + "; only stored and deflate are read");
        }
        if (e.size() > CheckpointFile.MAX_BUFFER) {
            throw file.error(what + " has " + e.size() + " bytes, more than one Java buffer holds (2 GiB)");
        }
        return dataOffset;
    }

    private void fill(Entry e, long dataOffset, ByteBuffer dest) {
        String what = "zip entry '" + e.name() + "'";
        ByteBuffer start = dest.duplicate();
        if (e.method() == STORED) {
            file.readInto(dataOffset, dest, what);
        } else {
            inflate(e, file.read(dataOffset, e.compressedSize(), what), dest, what);
        }
        file.checkCrc(start, e.crc(), what);
    }

    private void inflate(Entry e, ByteBuffer compressed, ByteBuffer out, String what) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            while (out.hasRemaining() && !inflater.finished()) {
                if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            // a full buffer may leave the stream's end marker unread; a byte more of room shows
            // whether the stream ends there or holds more than the recorded size
            if (!out.hasRemaining() && !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw file.error(what + " inflates to more than its recorded " + e.size() + " bytes");
            }
            if (out.hasRemaining() || !inflater.finished()) {
                throw file.error(what + " does not inflate to its recorded " + e.size() + " bytes");
            }
        } catch (DataFormatException ex) {
            throw new CheckpointException(file.path() + ": " + what + " is corrupt: " + ex.getMessage(), ex);
        } finally {
            inflater.end();
        }
    }

    /**
     * Finds where an entry's bytes begin, after its local header.
     *
     * @param e the entry
     * @return the file offset of its first data byte
     */
    long dataOffset(Entry e) {
        ByteBuffer h = file.read(e.headerOffset(), LOCAL_SIZE, "local header of '" + e.name() + "'");
        if (h.getInt(0) != LOCAL_SIG) {
            throw file.error("zip entry '" + e.name() + "' has no local header at offset " + e.headerOffset());
        }
        return e.headerOffset() + LOCAL_SIZE + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
    }
}
