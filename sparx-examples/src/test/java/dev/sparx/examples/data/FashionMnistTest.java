package dev.sparx.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir Path dir;

    /** Three 2x3 images with pixel value 10*image + position, labels 7, 0, 9. */
    private void writeTinySplit(String prefix, boolean gzip) throws IOException {
        byte[] pixels = new byte[3 * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (10 * (i / 6) + i % 6);
        }
        String ext = gzip ? ".gz" : "";
        IdxTestFiles.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), new int[] {3, 2, 3}, pixels);
        IdxTestFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), new int[] {3}, new byte[] {7, 0, 9});
    }

    @Test
    void readsGzipAndPlainSplits() throws IOException {
        writeTinySplit("train", true);
        writeTinySplit("t10k", false);
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            FashionMnist ds = FashionMnist.open(dir, split);
            assertEquals(3, ds.size());
            assertEquals(2, ds.rows());
            assertEquals(3, ds.cols());
            assertEquals(9, ds.label(2));
            assertEquals("Ankle boot", ds.classes().get(ds.label(2)));
            GrayImage img = ds.load(1);
            assertEquals(3, img.width());
            assertEquals(2, img.height());
            assertArrayEquals(new byte[] {10, 11, 12, 13, 14, 15}, img.pixels());
            assertEquals(13, img.at(0, 1));
            assertEquals(split.prefix() + "/1", ds.name(1));
        }
    }

    @Test
    void refusesMismatchedCountsAndBadLabels() throws IOException {
        writeTinySplit("train", true);
        IdxTestFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {2}, new byte[] {1, 2});
        SparxException e =
                assertThrows(SparxException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());

        IdxTestFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), new int[] {3}, new byte[] {1, 10, 2});
        e = assertThrows(SparxException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("label 10 of sample 1"), e.getMessage());
    }

    @Test
    void namesMissingFilesAndFolders() throws IOException {
        SparxException e =
                assertThrows(
                        SparxException.class,
                        () -> FashionMnist.open(dir.resolve("nope"), FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        e = assertThrows(SparxException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void idxReaderRefusesMalformedFiles() throws IOException {
        Path notIdx = dir.resolve("text");
        Files.writeString(notIdx, "hello world");
        assertTrue(assertThrows(SparxException.class, () -> IdxFile.read(notIdx))
                .getMessage().contains("not an IDX file"));

        Path floats = dir.resolve("floats");
        Files.write(floats, new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(SparxException.class, () -> IdxFile.read(floats))
                .getMessage().contains("element type 0x0d"));

        Path shortFile = dir.resolve("short.gz");
        IdxTestFiles.write(shortFile, new int[] {5}, new byte[] {1, 2, 3});
        assertTrue(assertThrows(SparxException.class, () -> IdxFile.read(shortFile))
                .getMessage().contains("truncated"));

        Path longFile = dir.resolve("long");
        IdxTestFiles.write(longFile, new int[] {2}, new byte[] {1, 2, 3});
        assertTrue(assertThrows(SparxException.class, () -> IdxFile.read(longFile))
                .getMessage().contains("bytes after"));

        Path matrix = dir.resolve("matrix");
        IdxTestFiles.write(matrix, new int[] {2, 2}, new byte[] {1, 2, 3, 4});
        assertEquals(4, IdxFile.read(matrix).data().length);
        assertTrue(assertThrows(SparxException.class, () -> IdxFile.read(matrix).requireRank(3))
                .getMessage().contains("expected 3 dimensions"));
    }

    @Test
    void readsTheDefaultTestSplit() {
        FashionMnist test = FashionMnist.open(FashionMnist.defaultDir(), FashionMnist.Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        // The test split is balanced: 1,000 images per class.
        for (int c : perClass) {
            assertEquals(1000, c);
        }
        // Its first image is an ankle boot (label 9).
        assertEquals(9, test.label(0));
    }
}
