package dev.sparx.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip archive of stored (uncompressed) entries the way torch's {@code
 * PyTorchStreamWriter} does: each entry's data starts on a 64-byte boundary, reached by padding the
 * local header with an extra field, so that a reader may map storages in place. ZIP64 records are
 * written when a size or offset passes 4 GiB.
 */
final class ZipWriter {

    static final int ALIGNMENT = 64;

    private static final long U32 = 0xffffffffL;
    private static final int PADDING_FIELD = 0x4246; // "FB", the id torch's writer uses
    private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;

    private record Written(byte[] name, long crc, long size, long offset) {}

    private final FileChannel out;
    private final boolean forceZip64;
    private final List<Written> entries = new ArrayList<>();
    private long position;

    /**
     * @param out the file, positioned at 0
     * @param forceZip64 write ZIP64 records even for small archives (to test that path)
     */
    ZipWriter(FileChannel out, boolean forceZip64) {
        this.out = out;
        this.forceZip64 = forceZip64;
    }

    /**
     * Appends a stored entry.
     *
     * @param name entry name
     * @param data its bytes from position to limit; not modified
     * @throws IOException if writing fails
     */
    void add(String name, ByteBuffer data) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        long size = data.remaining();
        boolean zip64 = forceZip64 || size >= U32;
        int zip64Len = zip64 ? 20 : 0;
        long unpadded = position + 30 + nameBytes.length + zip64Len + 4;
        int padding = (int) ((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT);
        ByteBuffer h = le(30 + nameBytes.length + zip64Len + 4 + padding);
        h.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE_1980_01_01).putInt((int) crc.getValue())
                .putInt((int) (zip64 ? U32 : size)).putInt((int) (zip64 ? U32 : size))
                .putShort((short) nameBytes.length).putShort((short) (zip64Len + 4 + padding)).put(nameBytes);
        if (zip64) {
            h.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
        }
        h.putShort((short) PADDING_FIELD).putShort((short) padding);
        for (int i = 0; i < padding; i++) {
            h.put((byte) 'Z');
        }
        entries.add(new Written(nameBytes, crc.getValue(), size, position));
        emit(h.flip());
        emit(data);
    }

    /**
     * Writes the central directory and the end records.
     *
     * @throws IOException if writing fails
     */
    void finish() throws IOException {
        long cdStart = position;
        for (Written e : entries) {
            boolean bigSize = forceZip64 || e.size() >= U32;
            boolean bigOffset = forceZip64 || e.offset() >= U32;
            int extraLen = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
            ByteBuffer c = le(46 + e.name().length + (extraLen > 0 ? 4 + extraLen : 0));
            c.putInt(0x02014b50).putShort((short) 45).putShort((short) (extraLen > 0 ? 45 : 20))
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) DOS_DATE_1980_01_01).putInt((int) e.crc())
                    .putInt((int) (bigSize ? U32 : e.size())).putInt((int) (bigSize ? U32 : e.size()))
                    .putShort((short) e.name().length).putShort((short) (extraLen > 0 ? 4 + extraLen : 0))
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) (bigOffset ? U32 : e.offset())).put(e.name());
            if (extraLen > 0) {
                c.putShort((short) 1).putShort((short) extraLen);
                if (bigSize) {
                    c.putLong(e.size()).putLong(e.size());
                }
                if (bigOffset) {
                    c.putLong(e.offset());
                }
            }
            emit(c.flip());
        }
        long cdSize = position - cdStart;
        boolean zip64 = forceZip64 || entries.size() >= 0xffff || cdStart >= U32 || cdSize >= U32;
        if (zip64) {
            long recordAt = position;
            ByteBuffer z = le(56 + 20);
            z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(entries.size()).putLong(entries.size()).putLong(cdSize).putLong(cdStart);
            z.putInt(0x07064b50).putInt(0).putLong(recordAt).putInt(1);
            emit(z.flip());
        }
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xffff : entries.size()))
                .putShort((short) (zip64 ? 0xffff : entries.size()))
                .putInt((int) (zip64 ? U32 : cdSize)).putInt((int) (zip64 ? U32 : cdStart)).putShort((short) 0);
        emit(end.flip());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void emit(ByteBuffer b) throws IOException {
        position += b.remaining();
        AtomicWrite.writeFully(out, b);
    }
}
