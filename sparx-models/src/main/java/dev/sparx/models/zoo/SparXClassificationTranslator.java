package dev.sparx.models.zoo;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import dev.sparx.core.SparxException;
import dev.sparx.core.image.EvalTransform;
import java.util.List;

/**
 * Image to {@link Classifications}: timm's evaluation transform, the network's logits, then the
 * softmax over the classes (or, with {@code applySoftmax} false, the logits themselves, unchanged
 * float32 values) under the classes' names.
 *
 * @param <I> {@link ai.djl.modality.cv.Image}, {@link java.nio.file.Path} or
 *     {@link dev.sparx.core.image.RgbImage}
 */
public final class SparXClassificationTranslator<I> extends SparXImageTranslator<I, Classifications> {

    private final List<String> classNames;
    private final boolean applySoftmax;
    private final int topK;

    /**
     * Creates the translator.
     *
     * @param transform the evaluation transform
     * @param classNames one name per output of the network, in order
     * @param applySoftmax whether the result holds probabilities (true) or the raw logits
     * @param topK how many classes {@link Classifications#topK()} and {@code toString} show
     */
    public SparXClassificationTranslator(
            EvalTransform transform, List<String> classNames, boolean applySoftmax, int topK) {
        super(transform);
        if (topK < 1) {
            throw new SparxException("topK = " + topK + " must be at least 1");
        }
        this.classNames = List.copyOf(classNames);
        this.applySoftmax = applySoftmax;
        this.topK = topK;
    }

    /** @return the class names, one per logit */
    public List<String> getClassNames() {
        return classNames;
    }

    /**
     * Maps one image's logits to classes.
     *
     * @param ctx the prediction's context
     * @param list the logits of one image, (K) for K classes
     * @return the probabilities (or logits) by class
     * @throws SparxException if K differs from the number of class names
     */
    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.singletonOrThrow();
        if (logits.getShape().dimension() != 1 || logits.size() != classNames.size()) {
            throw new SparxException(
                    "the network gave logits of shape " + logits.getShape() + "; expected (" + classNames.size()
                            + "), one per class name");
        }
        return new Classifications(classNames, applySoftmax ? logits.softmax(0) : logits, topK);
    }
}
