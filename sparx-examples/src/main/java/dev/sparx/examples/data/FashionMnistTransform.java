package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import dev.sparx.core.image.Normalize;
import java.util.SplittableRandom;

/**
 * The input of a SparX model from a Fashion-MNIST image: the gray level scaled to [0, 1] and
 * copied to the three input channels, then normalised with the ImageNet mean and standard
 * deviation per channel (the statistics every SparX checkpoint was trained with, so that an
 * ImageNet checkpoint fine-tunes on these images without a shift in its stem's input).
 *
 * <p>An output side S larger than the image (say 32 for 28x28 images) centres the image on a black
 * canvas, as LeNet's 32x32 input did, without resampling a pixel.
 *
 * <p>The training variant adds the augmentation that suits small centred images: a random
 * translation (pad with black by {@code pad} pixels, then crop back at a random offset, as
 * torchvision's {@code RandomCrop(S, padding=pad)}) and a horizontal flip with probability one
 * half. timm's random resized crop is not used here: at 28x28 its 8% crops leave too little.
 */
public final class FashionMnistTransform implements SampleTransform<GrayImage> {

    private static final float[] MEAN = Normalize.IMAGENET.mean();
    private static final float[] STD = Normalize.IMAGENET.std();

    private final int size;
    private final int pad;
    private final boolean flip;

    private FashionMnistTransform(int size, int pad, boolean flip) {
        this.size = size;
        this.pad = pad;
        this.flip = flip;
    }

    /**
     * The evaluation transform: no augmentation.
     *
     * @param size output side S, at least the images' side
     * @return the transform
     */
    public static FashionMnistTransform eval(int size) {
        return new FashionMnistTransform(size, 0, false);
    }

    /**
     * The training transform.
     *
     * @param size output side S, at least the images' side
     * @param pad the largest shift in pixels, 0 for none
     * @return the transform
     */
    public static FashionMnistTransform train(int size, int pad) {
        return new FashionMnistTransform(size, pad, true);
    }

    @Override
    public int[] outputShape() {
        return new int[] {3, size, size};
    }

    @Override
    public void apply(GrayImage image, SplittableRandom rng, float[] out, int offset) {
        if (image.width() > size || image.height() > size) {
            throw new SparxException(
                    "Fashion-MNIST image is " + image.width() + "x" + image.height()
                            + ", larger than the input side " + size + " (--img-size)");
        }
        int dx = 0;
        int dy = 0;
        boolean mirror = false;
        if (pad > 0) {
            // torchvision's RandomCrop draws the top offset first, then the left one.
            dy = rng.nextInt(2 * pad + 1) - pad;
            dx = rng.nextInt(2 * pad + 1) - pad;
        }
        if (flip) {
            mirror = rng.nextDouble() < 0.5;
        }
        int left = (size - image.width()) / 2;
        int top = (size - image.height()) / 2;
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            int sy = y + dy - top;
            for (int x = 0; x < size; x++) {
                // crop first, then flip the crop: the flip mirrors the output column
                int sx = (mirror ? size - 1 - x : x) + dx - left;
                boolean inside = sy >= 0 && sy < image.height() && sx >= 0 && sx < image.width();
                float v = inside ? image.at(sx, sy) / 255f : 0f;
                int i = offset + y * size + x;
                for (int c = 0; c < 3; c++) {
                    out[i + c * plane] = (v - MEAN[c]) / STD[c];
                }
            }
        }
    }
}
