package dev.sparx.examples.validate;

import dev.sparx.core.SparxException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-image CSV of a validation run: header {@code file,target,top5,loss}, then one row per
 * evaluated image in data-set order: its path relative to DATA_DIR with {@code /}, its label, its
 * five best classes separated by spaces (best first), and its cross-entropy.
 */
public final class PredictionsFile implements AutoCloseable {

    /** The header line. */
    public static final String HEADER = "file,target,top5,loss";

    private final Path file;
    private final BufferedWriter out;

    /**
     * Creates (or replaces) the file and writes the header.
     *
     * @param file the destination
     * @throws SparxException if it cannot be created
     */
    public PredictionsFile(Path file) {
        this.file = file;
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(HEADER);
            out.write('\n');
        } catch (IOException e) {
            throw new SparxException("cannot write predictions file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one image's row.
     *
     * @param p the prediction
     * @throws SparxException if writing fails
     */
    public void write(Prediction p) {
        StringBuilder top = new StringBuilder();
        for (int c : p.top()) {
            top.append(top.length() == 0 ? "" : " ").append(c);
        }
        try {
            String loss = String.format(Locale.ROOT, "%.7g", p.loss());
            out.write(quoted(p.name()) + "," + p.target() + "," + top + "," + loss + "\n");
        } catch (IOException e) {
            throw new SparxException("cannot write predictions file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A file name with a comma or quote is quoted as CSV readers expect. */
    private static String quoted(String name) {
        return name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new SparxException("cannot finish predictions file " + file + ": " + e.getMessage(), e);
        }
    }
}
