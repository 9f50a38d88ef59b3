package dev.sparx.models;

import dev.sparx.core.SparxException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 1000 ImageNet-1k classes in the order of the released heads' outputs (the training order of
 * the class folders, sorted by WordNet id): index i of the logits is class i here.
 */
public final class ImageNetClasses {

    /** Classes of ImageNet-1k. */
    public static final int COUNT = 1000;

    private static final String RESOURCE = "synset_imagenet.txt";

    private static final List<String> IDS = new ArrayList<>(COUNT);
    private static final List<String> NAMES = new ArrayList<>(COUNT);

    static {
        InputStream in = ImageNetClasses.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new SparxException("class-path resource dev/sparx/models/" + RESOURCE + " is missing");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                // each line is "WNID description", e.g. "n01440764 tench, Tinca tinca"
                int space = line.indexOf(' ');
                IDS.add(line.substring(0, space));
                NAMES.add(line.substring(space + 1));
            }
        } catch (IOException e) {
            throw new SparxException("cannot read class-path resource dev/sparx/models/" + RESOURCE, e);
        }
        if (IDS.size() != COUNT) {
            throw new SparxException(
                    "class-path resource dev/sparx/models/" + RESOURCE + " has " + IDS.size() + " classes; expected "
                            + COUNT);
        }
    }

    private ImageNetClasses() {}

    /** @return the classes' descriptions by index, e.g. {@code "tench, Tinca tinca"} for index 0 */
    public static List<String> names() {
        return List.copyOf(NAMES);
    }

    /** @return the classes' WordNet ids by index, e.g. {@code "n01440764"} for index 0 */
    public static List<String> wordNetIds() {
        return List.copyOf(IDS);
    }

    /**
     * One class's description.
     *
     * @param index 0 to 999
     * @return e.g. {@code "tench, Tinca tinca"}
     * @throws SparxException if the index is out of range
     */
    public static String name(int index) {
        if (index < 0 || index >= COUNT) {
            throw new SparxException("ImageNet class index " + index + " is outside 0.." + (COUNT - 1));
        }
        return NAMES.get(index);
    }
}
