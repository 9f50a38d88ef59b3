package dev.sparx.examples.data;

import java.util.List;

/**
 * A labelled image data set: samples in a fixed order, each with a class index into
 * {@link #classes()}. Only the list is held in memory; {@link #load(int)} reads one sample when it
 * is asked for, so a data set of any size costs little until it is iterated.
 *
 * <p>Implementations are safe to {@link #load(int) load} from several threads at once.
 *
 * @param <T> what one sample loads as (a decoded image, a gray raster, ...)
 */
public interface LabelledImages<T> {

    /** @return the class names; a label is an index into this list */
    List<String> classes();

    /** @return the number of samples */
    int size();

    /**
     * The class of a sample.
     *
     * @param index sample index, {@code 0 <= index < size()}
     * @return its class index into {@link #classes()}
     */
    int label(int index);

    /**
     * A stable name of a sample for reports: a path relative to the data set's root with
     * {@code /} separators, or {@code split/index} for samples that are not files.
     *
     * @param index sample index
     * @return its name
     */
    String name(int index);

    /**
     * Reads one sample.
     *
     * @param index sample index
     * @return the sample
     * @throws dev.sparx.core.SparxException if it cannot be read or decoded; the message names it
     */
    T load(int index);
}
