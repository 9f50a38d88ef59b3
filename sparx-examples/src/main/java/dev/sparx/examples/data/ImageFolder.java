package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of images laid out one sub-folder per class, as timm's and torchvision's
 * {@code ImageFolder} read it: the classes are the names of the sub-folders directly under the
 * root, sorted in timm's natural order ({@link NaturalOrder}, which equals plain sorting for
 * ImageNet's synset names); the samples are the image files anywhere inside a class folder,
 * sorted in the same order by their path relative to the root. A file counts as an image when
 * its name ends, ignoring case, in one of torchvision's {@link #IMAGE_EXTENSIONS}. Names starting
 * with a dot (such as {@code .ipynb_checkpoints}) are skipped.
 *
 * <p>Unlike timm, which silently drops a class folder with no images (and so shifts every label
 * after it), an empty class folder is an error here.
 *
 * @param <T> what {@link #load(int)} decodes a file to
 */
public final class ImageFolder<T> implements LabelledImages<T> {

    /** torchvision's {@code IMG_EXTENSIONS}, lower case. */
    public static final List<String> IMAGE_EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final ImageDecoder<T> decoder;

    private ImageFolder(
            Path root, List<String> classes, List<Path> files, int[] labels, ImageDecoder<T> decoder) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.decoder = decoder;
    }

    /**
     * Scans a folder whose sub-folders are the classes.
     *
     * @param root the folder holding one sub-folder per class
     * @param decoder how {@link #load(int)} turns a file into a sample
     * @param <T> the decoded form
     * @return the data set; nothing is decoded yet
     * @throws SparxException if the folder is missing, has no class sub-folders, or a class folder
     *     has no images
     */
    public static <T> ImageFolder<T> open(Path root, ImageDecoder<T> decoder) {
        if (!Files.isDirectory(root)) {
            throw new SparxException("image folder " + root + " does not exist or is not a folder");
        }
        List<String> classes = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .forEach(classes::add);
        } catch (IOException e) {
            throw new SparxException("cannot list image folder " + root + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) {
            throw new SparxException(
                    "image folder " + root + " has no class sub-folders (expected ROOT/<class>/<image>)");
        }
        classes.sort(NaturalOrder.INSTANCE);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> found = images(root, root.resolve(classes.get(c)));
            if (found.isEmpty()) {
                throw new SparxException(
                        "class folder " + root.resolve(classes.get(c)) + " has no images (looked for "
                                + String.join(" ", IMAGE_EXTENSIONS) + ")");
            }
            files.addAll(found);
            for (int i = 0; i < found.size(); i++) {
                labels.add(c);
            }
        }
        return new ImageFolder<>(
                root, classes, files, labels.stream().mapToInt(Integer::intValue).toArray(), decoder);
    }

    /**
     * Finds one split of a data set. A root that holds a sub-folder named {@code split} (the
     * {@code train/} and {@code val/} layout) gives that sub-folder; any other root is taken to be
     * the split itself, i.e. to hold the class folders directly.
     *
     * @param root a data set root or a split folder
     * @param split {@code train} or {@code val}
     * @return the folder holding the split's class folders
     * @throws SparxException if the root is missing
     */
    public static Path split(Path root, String split) {
        if (!Files.isDirectory(root)) {
            throw new SparxException("data folder " + root + " does not exist or is not a folder");
        }
        Path sub = root.resolve(split);
        return Files.isDirectory(sub) ? sub : root;
    }

    private static List<Path> images(Path root, Path classDir) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(p -> isImage(classDir.relativize(p))).filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException | UncheckedIOException e) {
            throw new SparxException("cannot list class folder " + classDir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(p -> slashed(root.relativize(p)), NaturalOrder.INSTANCE));
        return found;
    }

    private static boolean isImage(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static String slashed(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }

    /** @return the folder holding the class folders */
    public Path root() {
        return root;
    }

    /**
     * The file of a sample.
     *
     * @param index sample index
     * @return its path
     */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** @return the file's path relative to {@link #root()}, with {@code /} separators */
    @Override
    public String name(int index) {
        return slashed(root.relativize(files.get(index)));
    }

    @Override
    public T load(int index) {
        Path file = files.get(index);
        try {
            return decoder.decode(file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SparxException se) {
                throw se;
            }
            throw new SparxException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
    }
}
