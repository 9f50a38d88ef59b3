package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte array in the IDX format of (Fashion-)MNIST, read whole: a big-endian header
 * (two zero bytes, type code {@code 0x08}, the number of dimensions, then each dimension as a
 * 32-bit integer) followed by the elements. Gzip-compressed files are recognised by their magic
 * bytes, whatever their name.
 *
 * @param path where it was read from, for messages
 * @param dims the dimensions, e.g. {N, 28, 28} for images and {N} for labels
 * @param data the elements in row-major order
 */
public record IdxFile(Path path, int[] dims, byte[] data) {

    private static final int UNSIGNED_BYTE = 0x08;

    /**
     * Reads and validates an IDX file of unsigned bytes.
     *
     * @param file a plain or gzip-compressed IDX file
     * @return its contents
     * @throws SparxException if the file is missing, is not IDX, holds another element type, or
     *     has fewer or more bytes than its header announces
     */
    public static IdxFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SparxException("IDX file " + file + " does not exist");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(file, new DataInputStream(in));
        } catch (EOFException e) {
            throw new SparxException("IDX file " + file + " is truncated", e);
        } catch (IOException e) {
            throw new SparxException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static IdxFile parse(Path file, DataInputStream in) throws IOException {
        int zero = in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int rank = in.readUnsignedByte();
        if (zero != 0 || rank == 0) {
            throw new SparxException(
                    "file " + file + " is not an IDX file (expected the magic 0x0000 0x08 <rank>)");
        }
        if (type != UNSIGNED_BYTE) {
            throw new SparxException(
                    String.format(
                            "IDX file %s holds element type 0x%02x; only unsigned bytes (0x08) are"
                                    + " supported",
                            file, type));
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new SparxException("IDX file " + file + " has a negative dimension");
            }
            count *= dims[i];
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new SparxException("IDX file " + file + " is too large: " + Arrays.toString(dims));
        }
        byte[] data = new byte[(int) count];
        in.readFully(data);
        if (in.read() != -1) {
            throw new SparxException(
                    "IDX file " + file + " has bytes after the " + count + " elements of shape "
                            + Arrays.toString(dims));
        }
        return new IdxFile(file, dims, data);
    }

    /**
     * Checks the number of dimensions.
     *
     * @param rank expected number of dimensions
     * @return this
     * @throws SparxException if it differs
     */
    public IdxFile requireRank(int rank) {
        if (dims.length != rank) {
            throw new SparxException(
                    "IDX file " + path + " has shape " + Arrays.toString(dims) + ", expected "
                            + rank + " dimensions");
        }
        return this;
    }
}
