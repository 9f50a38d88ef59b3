package dev.sparx.models.zoo;

import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import dev.sparx.core.image.EvalTransform;

/**
 * Image to backbone features, for a model whose block is a {@link BackboneFeatures}: timm's
 * evaluation transform, then the four stage outputs and the pooled embedding of that image.
 *
 * <p>The predictor removes the batch axis, so one image gives five arrays: stage i (0..3) of shape
 * (dims[i], H_i, W_i), H_0 = W_0 = 56 and halving per stage for 224 x 224 inputs, then the
 * embedding (dims[3]). The arrays are detached from the prediction, so they outlive it: the caller
 * owns them and closes them (e.g. {@code try (NDList f = predictor.predict(image)) {...}}).
 *
 * @param <I> {@link ai.djl.modality.cv.Image}, {@link java.nio.file.Path} or
 *     {@link dev.sparx.core.image.RgbImage}
 */
public final class SparXFeatureTranslator<I> extends SparXImageTranslator<I, NDList> {

    /**
     * Creates the translator.
     *
     * @param transform the evaluation transform
     */
    public SparXFeatureTranslator(EvalTransform transform) {
        super(transform);
    }

    /**
     * Hands one image's features to the caller.
     *
     * @param ctx the prediction's context
     * @param list the five feature arrays of one image
     * @return the same arrays, detached: the caller closes them
     */
    @Override
    public NDList processOutput(TranslatorContext ctx, NDList list) {
        list.detach();
        return list;
    }
}
