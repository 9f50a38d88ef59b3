package dev.sparx.models.zoo;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.RgbImage;
import dev.sparx.kernels.InferenceThread;
import java.nio.file.Path;

/**
 * The input half of the SparX translators: timm's evaluation transform of one image, as the
 * authors' validation applies it (see {@link EvalTransform}). The input is a file {@link Path}
 * (decoded with PIL's semantics, so the tensor equals timm's), a DJL {@link Image} (for one of the
 * default ImageIO-backed factory, its raster's samples are taken as PIL would take them; ImageIO's
 * own decoding may still differ from PIL for JPEGs with ICC profiles or CMYK data) or an
 * {@link RgbImage}.
 *
 * <p>Instances hold no per-call state: one translator serves any number of predictors, each used
 * by one thread.
 *
 * @param <I> {@link Image}, {@link Path} or {@link RgbImage}
 * @param <O> the output type
 */
public abstract class SparXImageTranslator<I, O> implements Translator<I, O> {

    private final EvalTransform transform;

    /**
     * @param transform the evaluation transform, e.g. {@code EvalTransform.imagenet(224, 0.9,
     *     Interpolation.BICUBIC)} for SparX-Mamba-T
     */
    protected SparXImageTranslator(EvalTransform transform) {
        this.transform = transform;
    }

    /** @return the evaluation transform */
    public EvalTransform getTransform() {
        return transform;
    }

    /**
     * Transforms one image; the predictor stacks several into a batch.
     *
     * @param ctx the prediction's context, whose manager owns the tensor
     * @param input the image
     * @return one float32 array (3, S, S), S = the transform's image size
     */
    @Override
    public NDList processInput(TranslatorContext ctx, I input) {
        // predictors run on the caller's thread, where libtorch may still record gradients
        InferenceThread.enter(ctx.getNDManager());
        RgbImage rgb = ImageInputs.toRgb(input, ctx.getNDManager());
        return new NDList(transform.toNDArray(ctx.getNDManager(), rgb));
    }
}
