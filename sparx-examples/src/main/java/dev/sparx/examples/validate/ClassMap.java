package dev.sparx.examples.validate;

import dev.sparx.core.SparxException;
import dev.sparx.examples.data.LabelledImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * timm's {@code --class-map}: a text file with one class folder name per line, whose line number
 * (from 0) is the class index the model uses. It lets a folder that holds only some of the model's
 * classes, or names them in another order, be validated against the model's head.
 */
public final class ClassMap {

    private final Path file;
    private final List<String> classes;
    private final Map<String, Integer> index = new HashMap<>();

    private ClassMap(Path file, List<String> classes) {
        this.file = file;
        this.classes = List.copyOf(classes);
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
    }

    /**
     * Reads a class map as timm's {@code load_class_map} does: every line, stripped of surrounding
     * white space, is a class.
     *
     * @param file the text file
     * @return the map
     * @throws SparxException if the file cannot be read, is empty, or names a class twice
     */
    public static ClassMap read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SparxException("cannot read class map " + file + ": " + e.getMessage(), e);
        }
        List<String> classes = new ArrayList<>();
        for (String line : lines) {
            classes.add(line.strip());
        }
        while (!classes.isEmpty() && classes.get(classes.size() - 1).isEmpty()) {
            classes.remove(classes.size() - 1);
        }
        if (classes.isEmpty()) {
            throw new SparxException("class map " + file + " is empty; expected one class name per line");
        }
        ClassMap map = new ClassMap(file, classes);
        if (map.index.size() != classes.size()) {
            throw new SparxException("class map " + file + " names a class twice; expected one line per class");
        }
        return map;
    }

    /** @return the number of classes, which must equal the model's */
    public int size() {
        return classes.size();
    }

    /**
     * The data set relabelled through this map: its classes become the map's, each image's label
     * the map's index of its folder.
     *
     * @param data a data set whose class names are folder names
     * @param <T> its sample type
     * @return the relabelled view
     * @throws SparxException if a class of the data set is not in the map
     */
    public <T> LabelledImages<T> relabel(LabelledImages<T> data) {
        int[] mapped = new int[data.classes().size()];
        for (int c = 0; c < mapped.length; c++) {
            Integer m = index.get(data.classes().get(c));
            if (m == null) {
                throw new SparxException(
                        "class folder '" + data.classes().get(c) + "' is not in class map " + file);
            }
            mapped[c] = m;
        }
        return new LabelledImages<>() {
            @Override
            public List<String> classes() {
                return classes;
            }

            @Override
            public int size() {
                return data.size();
            }

            @Override
            public int label(int i) {
                return mapped[data.label(i)];
            }

            @Override
            public String name(int i) {
                return data.name(i);
            }

            @Override
            public T load(int i) {
                return data.load(i);
            }
        };
    }
}
