package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import java.util.SplittableRandom;

/**
 * The input of a SparX model from a Fashion-MNIST image: the gray level scaled to [0, 1] and
 * copied to the three input channels, then normalised with the ImageNet mean and standard
 * deviation per channel (the statistics every SparX checkpoint was trained with, so that an
 * ImageNet checkpoint fine-tunes on these images without a shift in its stem's input).
 *
 * <p>The training variant adds the augmentation that suits small centred images: a random
 * translation (pad with black by {@code pad} pixels, then crop back at a random offset, as
 * torchvision's {@code RandomCrop(28, padding=pad)}) and a horizontal flip with probability one
 * half. timm's random resized crop is not used here: at 28x28 its 8% crops leave too little.
 */
public final class FashionMnistTransform implements SampleTransform<GrayImage> {

    /** ImageNet mean per RGB channel (timm's {@code IMAGENET_DEFAULT_MEAN}). */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet standard deviation per RGB channel (timm's {@code IMAGENET_DEFAULT_STD}). */
    static final float[] STD = {0.229f, 0.224f, 0.225f};

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
     * @param size image side (28 for Fashion-MNIST)
     * @return the transform
     */
    public static FashionMnistTransform eval(int size) {
        return new FashionMnistTransform(size, 0, false);
    }

    /**
     * The training transform.
     *
     * @param size image side (28 for Fashion-MNIST)
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
        if (image.width() != size || image.height() != size) {
            throw new SparxException(
                    "Fashion-MNIST image is " + image.width() + "x" + image.height() + ", the transform expects "
                            + size + "x" + size);
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
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            int sy = y + dy;
            for (int x = 0; x < size; x++) {
                // crop first, then flip the crop: the flip mirrors the output column
                int sx = (mirror ? size - 1 - x : x) + dx;
                float v = (sy < 0 || sy >= size || sx < 0 || sx >= size) ? 0f : image.at(sx, sy) / 255f;
                int i = offset + y * size + x;
                for (int c = 0; c < 3; c++) {
                    out[i + c * plane] = (v - MEAN[c]) / STD[c];
                }
            }
        }
    }
}
