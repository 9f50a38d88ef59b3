package dev.sparx.examples.train;

import dev.sparx.core.SparxException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes output files atomically: the content goes to a temporary file beside the target, is
 * forced to disk, and is then renamed over the target, so a crash or kill at any moment leaves
 * either the old file or the new one, whole.
 */
final class OutputFiles {

    /** Writes a file's content. */
    @FunctionalInterface
    interface Content {
        /**
         * @param out the temporary file's stream
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    private OutputFiles() {}

    /**
     * Replaces a file atomically.
     *
     * @param target the file to replace or create
     * @param content what to write
     * @throws SparxException if writing fails; the target is then untouched and no temporary file
     *     is left
     */
    static void write(Path target, Content content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.write(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw e instanceof SparxException se ? se
                    : new SparxException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
