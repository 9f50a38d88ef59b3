package dev.sparx.examples.validate;

import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.RgbImage;
import dev.sparx.examples.data.SampleTransform;
import java.util.SplittableRandom;

/** timm's evaluation transform ({@link EvalTransform}) as a batch loader's per-sample step. */
public final class EvalImageTransform implements SampleTransform<RgbImage> {

    private final EvalTransform transform;

    /**
     * Wraps a transform.
     *
     * @param transform resize, crop and normalisation
     */
    public EvalImageTransform(EvalTransform transform) {
        this.transform = transform;
    }

    @Override
    public int[] outputShape() {
        return new int[] {3, transform.imgSize(), transform.imgSize()};
    }

    /** Writes the (C=3, H, W) tensor of one image; the generator is not used. */
    @Override
    public void apply(RgbImage image, SplittableRandom rng, float[] out, int offset) {
        float[] tensor = transform.apply(image);
        System.arraycopy(tensor, 0, out, offset, tensor.length);
    }
}
