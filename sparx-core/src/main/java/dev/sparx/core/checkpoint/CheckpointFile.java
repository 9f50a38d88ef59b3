package dev.sparx.core.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A checkpoint file open for positional reads. Every read is bounds-checked against the file's
 * length before anything is allocated, so a corrupt length field ends in a {@link
 * CheckpointException} that names the file, never in a read past the end or an out-of-memory error.
 */
final class CheckpointFile implements Closeable {

    /** The largest region one Java buffer can hold. */
    static final long MAX_BUFFER = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long length;

    private CheckpointFile(Path path, FileChannel channel, long length) {
        this.path = path;
        this.channel = channel;
        this.length = length;
    }

    /**
     * Opens a file for reading.
     *
     * @param path the file
     * @return the open file
     * @throws CheckpointException if it is missing or unreadable
     */
    static CheckpointFile open(Path path) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
            return new CheckpointFile(path, ch, ch.size());
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot open checkpoint file " + path + ": " + e.getMessage(), e);
        }
    }

    /** @return the file's path, as errors name it */
    Path path() {
        return path;
    }

    /** @return the file's length in bytes */
    long length() {
        return length;
    }

    /**
     * Builds the exception for a problem with this file.
     *
     * @param problem what is wrong
     * @return an exception whose message starts with the file name
     */
    CheckpointException error(String problem) {
        return new CheckpointException(path + ": " + problem);
    }

    /**
     * Reads a region into a new little-endian heap buffer, its final home.
     *
     * @param offset first byte
     * @param size number of bytes
     * @param what what the region holds, for errors
     * @return the bytes, position 0, limit {@code size}
     * @throws CheckpointException if the region lies outside the file or is too large
     */
    ByteBuffer read(long offset, long size, String what) {
        checkRegion(offset, size, what);
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        readInto(offset, buf.duplicate(), what);
        return buf;
    }

    /**
     * Reads a region into a buffer that has room for exactly it.
     *
     * @param offset first byte
     * @param dest receives {@code dest.remaining()} bytes; its position advances to its limit
     * @param what what the region holds, for errors
     * @throws CheckpointException if the region lies outside the file
     */
    void readInto(long offset, ByteBuffer dest, String what) {
        checkRegion(offset, dest.remaining(), what);
        try {
            long pos = offset;
            while (dest.hasRemaining()) {
                int n = channel.read(dest, pos);
                if (n < 0) {
                    throw error(what + " ends early: the file shrank while it was read");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Maps a region read-only, for parsing formats whose structure must be scanned (the legacy
     * pickle stream); tensor data is still copied into heap buffers by {@link #read}.
     *
     * @param offset first byte
     * @param size number of bytes, at most {@link #MAX_BUFFER}
     * @return a little-endian view of the region
     */
    ByteBuffer map(long offset, long size) {
        checkRegion(offset, size, "file region");
        try {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, offset, size);
            return m.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("cannot map " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a region lies inside the file and fits one buffer.
     *
     * @param offset first byte
     * @param size number of bytes
     * @param what what the region holds, for errors
     */
    void checkRegion(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > length || size > length - offset) {
            throw error(
                    what + " at offset " + offset + " with " + size + " bytes lies outside the file ("
                            + length + " bytes): the file is truncated or corrupt");
        }
        if (size > MAX_BUFFER) {
            throw error(what + " has " + size + " bytes, more than one Java buffer holds (2 GiB)");
        }
    }

    /**
     * Checks a region's CRC-32, as zip archives record it.
     *
     * @param data the bytes (position and limit untouched)
     * @param expected the recorded CRC-32
     * @param what the region, for errors
     */
    void checkCrc(ByteBuffer data, long expected, String what) {
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        if (crc.getValue() != expected) {
            throw error(
                    what + " is corrupt: its CRC-32 is " + Long.toHexString(crc.getValue())
                            + ", the archive records " + Long.toHexString(expected));
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
