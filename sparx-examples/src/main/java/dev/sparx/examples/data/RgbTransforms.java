package dev.sparx.examples.data;

import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.RgbImage;
import dev.sparx.core.image.TrainTransform;
import java.util.SplittableRandom;

/**
 * The preprocessing of {@code dev.sparx.core.image} as {@link SampleTransform}s of decoded images
 * (what {@code ImageFolder.open(root, dev.sparx.core.image.ImageDecoder::decode)} loads), so that the batch loader can
 * run them on its worker threads.
 */
public final class RgbTransforms {

    private RgbTransforms() {}

    /**
     * timm's training transform (random resized crop, flip, normalise), drawing from each sample's
     * generator.
     *
     * @param transform the transform
     * @return it as a sample transform, output (3, S, S)
     */
    public static SampleTransform<RgbImage> train(TrainTransform transform) {
        return of(transform.imgSize(), (image, rng) -> transform.apply(image, rng));
    }

    /**
     * timm's evaluation transform (resize, centre crop, normalise).
     *
     * @param transform the transform
     * @return it as a sample transform, output (3, S, S)
     */
    public static SampleTransform<RgbImage> eval(EvalTransform transform) {
        return of(transform.imgSize(), (image, rng) -> transform.apply(image));
    }

    private interface Tensor {
        float[] apply(RgbImage image, SplittableRandom rng);
    }

    private static SampleTransform<RgbImage> of(int size, Tensor tensor) {
        return new SampleTransform<>() {
            @Override
            public int[] outputShape() {
                return new int[] {3, size, size};
            }

            @Override
            public void apply(RgbImage sample, SplittableRandom rng, float[] out, int offset) {
                float[] chw = tensor.apply(sample, rng);
                System.arraycopy(chw, 0, out, offset, chw.length);
            }
        };
    }
}
