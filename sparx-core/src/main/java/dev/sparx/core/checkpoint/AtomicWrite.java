package dev.sparx.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file through a temporary file in the same directory that is renamed over the target
 * only once it is complete, so that a crash or an error never leaves a half-written checkpoint
 * where a good one (or none) was.
 */
final class AtomicWrite {

    // heap buffers go to a channel through a temporary direct buffer of their size; chunks keep it small
    private static final int CHUNK = 1 << 20;

    /** Writes the file's content. */
    @FunctionalInterface
    interface Body {
        /**
         * @param out the temporary file, positioned at 0
         * @throws IOException if writing fails
         */
        void write(FileChannel out) throws IOException;
    }

    private AtomicWrite() {}

    /**
     * @param target the file to create or replace
     * @param body writes the content
     * @throws CheckpointException if the file cannot be written
     */
    static void write(Path target, Body body) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is the only thing left behind, and its name says so
                }
            }
        }
    }

    /**
     * Writes a whole buffer, in chunks.
     *
     * @param out the channel
     * @param data the bytes from position to limit; not modified
     * @throws IOException if writing fails
     */
    static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        ByteBuffer b = data.duplicate();
        while (b.hasRemaining()) {
            ByteBuffer chunk = b.slice();
            chunk.limit(Math.min(chunk.limit(), CHUNK));
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            b.position(b.position() + chunk.limit());
        }
    }
}
