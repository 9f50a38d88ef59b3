package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One storage of a checkpoint: a run of elements of one dtype that tensors view. The pickle declares
 * its dtype and element count; the bytes live in a record of the file (a zip entry, a span of a
 * legacy file, a span of a {@code .safetensors} file) and are read only when a tensor is loaded.
 */
final class StorageRecord {

    /**
     * The part of a storage a pickle hands to a tensor rebuild function: all of it, or (in legacy
     * files) a view of it.
     *
     * @param record the storage
     * @param byteOffset where the slice starts in the storage
     * @param byteLength how many bytes it spans
     * @param dtype the element type the pickle gave it
     */
    record Slice(StorageRecord record, long byteOffset, long byteLength, DType dtype) {}

    private final String name;
    private final DType dtype;
    private final long numel;
    private final long byteSize;
    private Source source;

    /** Copies a record's bytes out of the file. */
    @FunctionalInterface
    interface Source {
        /**
         * @param dest receives exactly the record's bytes
         */
        void readInto(ByteBuffer dest);
    }

    /**
     * @param name the record's name, for errors, e.g. {@code archive/data/3}
     * @param dtype element type
     * @param numel declared element count
     * @param errors how the caller reports an inconsistent declaration
     */
    StorageRecord(String name, DType dtype, long numel, ErrorSink errors) {
        this.name = name;
        this.dtype = dtype;
        this.numel = numel;
        if (numel < 0 || numel > Long.MAX_VALUE / dtype.byteSize()) {
            throw errors.error("storage '" + name + "' declares an impossible element count " + numel);
        }
        this.byteSize = numel * dtype.byteSize();
    }

    /** @return the record's name */
    String name() {
        return name;
    }

    /** @return the declared element type */
    DType dtype() {
        return dtype;
    }

    /** @return the declared element count */
    long numel() {
        return numel;
    }

    /** @return the declared size in bytes */
    long byteSize() {
        return byteSize;
    }

    /** @return the whole storage as a slice */
    Slice whole() {
        return new Slice(this, 0, byteSize, dtype);
    }

    /**
     * Says where the bytes are, once the record has been found and its size checked.
     *
     * @param file the checkpoint, for errors
     * @param recordBytes how many bytes the file's record holds
     * @param bytes reads them
     * @throws CheckpointException if the record's size differs from the declaration
     */
    void bind(CheckpointFile file, long recordBytes, Source bytes) {
        if (recordBytes != byteSize) {
            throw file.error(
                    "storage record '" + name + "' holds " + recordBytes + " bytes, but the pickle declares "
                            + numel + " " + dtype.displayName() + " elements (" + byteSize
                            + " bytes): the file is corrupt");
        }
        this.source = bytes;
    }

    /** @return whether {@link #bind} has located the bytes */
    boolean isBound() {
        return source != null;
    }

    /**
     * Reads the storage's bytes into a new buffer.
     *
     * @return exactly {@link #byteSize()} little-endian bytes, position 0
     */
    ByteBuffer read() {
        ByteBuffer buf = ByteBuffer.allocate((int) byteSize).order(ByteOrder.LITTLE_ENDIAN);
        readInto(buf.duplicate());
        return buf;
    }

    /**
     * Reads the storage's bytes into a buffer with room for exactly them.
     *
     * @param dest receives {@link #byteSize()} bytes
     */
    void readInto(ByteBuffer dest) {
        if (source == null) {
            throw new CheckpointException("storage '" + name + "' was declared but never located in the file");
        }
        source.readInto(dest);
    }
}
