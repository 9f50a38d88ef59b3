package dev.sparx.examples.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files and Fashion-MNIST folders for tests. */
public final class IdxTestFiles {

    private IdxTestFiles() {}

    /**
     * Writes an IDX file of unsigned bytes; gzip-compressed when the name ends in {@code .gz}.
     *
     * @param file destination
     * @param dims dimensions
     * @param data elements
     * @throws IOException if writing fails
     */
    public static void write(Path file, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0);
        out.writeByte(0x08);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        try (OutputStream f = Files.newOutputStream(file);
                OutputStream z = file.toString().endsWith(".gz") ? new GZIPOutputStream(f) : f) {
            z.write(bytes.toByteArray());
        }
    }

    /**
     * Writes a Fashion-MNIST folder of 28x28 images whose brightness says their class (label i % 10,
     * gray level 20 * label plus a bright row at a position that varies), so a model can learn it.
     *
     * @param dir destination folder
     * @param train number of training images
     * @param test number of test images
     * @throws IOException if writing fails
     */
    public static void writeFashionMnist(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        int[] counts = {train, test};
        String[] prefixes = {"train", "t10k"};
        for (int s = 0; s < 2; s++) {
            int n = counts[s];
            byte[] pixels = new byte[n * 28 * 28];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int label = i % 10;
                labels[i] = (byte) label;
                int row = (i * 7 + s) % 28;
                for (int p = 0; p < 28 * 28; p++) {
                    pixels[i * 784 + p] = (byte) (20 * label + (p / 28 == row ? 50 : 0));
                }
            }
            write(dir.resolve(prefixes[s] + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, pixels);
            write(dir.resolve(prefixes[s] + "-labels-idx1-ubyte.gz"), new int[] {n}, labels);
        }
    }
}
