package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) read from its IDX files: 28x28 gray images of
 * ten kinds of clothing, 60,000 for training and 10,000 for testing. Debian's package
 * {@code dataset-fashion-mnist} installs the gzip-compressed files under {@link #DEFAULT_DIR};
 * uncompressed copies with the same names minus {@code .gz} are read as well.
 *
 * <p>The whole split is held in memory (47 MB for the training images); {@link #load(int)}
 * copies one image out.
 */
public final class FashionMnist implements LabelledImages<GrayImage> {

    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The project's own copy of the test split, relative to its root (system property {@code sparx.home}). */
    private static final String SHIPPED_TEST_DIR = "data/fashion-mnist";

    /**
     * Where the data set is read from when no folder is given: {@link #DEFAULT_DIR} when the Debian
     * package is installed, else the test split shipped in the project (found through the system
     * property {@code sparx.home}, which {@code scripts/sparx} and the build set to the project's
     * root), else {@link #DEFAULT_DIR}, whose absence {@link #open} then explains.
     *
     * @return the folder
     */
    public static Path defaultDir() {
        if (Files.isDirectory(DEFAULT_DIR)) {
            return DEFAULT_DIR;
        }
        String home = System.getProperty("sparx.home");
        if (home != null && Files.isDirectory(Path.of(home, SHIPPED_TEST_DIR))) {
            return Path.of(home, SHIPPED_TEST_DIR);
        }
        return DEFAULT_DIR;
    }

    /** The class names in label order, as the data set's authors list them. */
    public static final List<String> CLASSES =
            List.of(
                    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                    "Sneaker", "Bag", "Ankle boot");

    /** The two splits and their file-name prefixes. */
    public enum Split {
        /** The 60,000 training images. */
        TRAIN("train"),
        /** The 10,000 test images. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** @return the file-name prefix, {@code train} or {@code t10k} */
        public String prefix() {
            return prefix;
        }
    }

    private final Split split;
    private final int rows;
    private final int cols;
    private final byte[] images;
    private final byte[] labels;

    private FashionMnist(Split split, int rows, int cols, byte[] images, byte[] labels) {
        this.split = split;
        this.rows = rows;
        this.cols = cols;
        this.images = images;
        this.labels = labels;
    }

    /**
     * Reads one split.
     *
     * @param dir the folder holding {@code <prefix>-images-idx3-ubyte[.gz]} and
     *     {@code <prefix>-labels-idx1-ubyte[.gz]}
     * @param split which split
     * @return the data set
     * @throws SparxException if a file is missing or malformed, or the image and label counts
     *     disagree, or a label is outside 0..9
     */
    public static FashionMnist open(Path dir, Split split) {
        if (!Files.isDirectory(dir)) {
            throw new SparxException(
                    "Fashion-MNIST folder " + dir + " does not exist (install it with"
                            + " 'apt-get install dataset-fashion-mnist', which puts it in "
                            + DEFAULT_DIR + ")");
        }
        IdxFile img = IdxFile.read(find(dir, split.prefix + "-images-idx3-ubyte")).requireRank(3);
        IdxFile lab = IdxFile.read(find(dir, split.prefix + "-labels-idx1-ubyte")).requireRank(1);
        if (img.dims()[0] != lab.dims()[0]) {
            throw new SparxException(
                    "Fashion-MNIST " + split.prefix + " has " + img.dims()[0] + " images in "
                            + img.path() + " but " + lab.dims()[0] + " labels in " + lab.path());
        }
        byte[] labels = lab.data();
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= CLASSES.size()) {
                throw new SparxException(
                        "label " + (labels[i] & 0xff) + " of sample " + i + " in " + lab.path()
                                + " is not a class index 0.." + (CLASSES.size() - 1));
            }
        }
        return new FashionMnist(split, img.dims()[1], img.dims()[2], img.data(), labels);
    }

    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new SparxException(
                "Fashion-MNIST folder " + dir + " has neither " + name + ".gz nor " + name);
    }

    /** @return which split this is */
    public Split split() {
        return split;
    }

    /** @return image height H (28) */
    public int rows() {
        return rows;
    }

    /** @return image width W (28) */
    public int cols() {
        return cols;
    }

    @Override
    public List<String> classes() {
        return CLASSES;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xff;
    }

    /** @return {@code train/<index>} or {@code t10k/<index>} */
    @Override
    public String name(int index) {
        return split.prefix + "/" + index;
    }

    @Override
    public GrayImage load(int index) {
        int n = rows * cols;
        return new GrayImage(cols, rows, Arrays.copyOfRange(images, index * n, (index + 1) * n));
    }
}
