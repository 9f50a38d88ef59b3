package dev.sparx.core.image;

import dev.sparx.core.SparxException;
import java.util.random.RandomGenerator;

/**
 * A training transform for fine-tuning: timm's {@code RandomResizedCropAndInterpolation} (crop a
 * random area fraction in [scaleMin, scaleMax] of the image with a log-uniform aspect ratio in
 * [ratioMin, ratioMax], falling back to a centre crop after ten tries, then resize it to
 * imgSize x imgSize with PIL), a horizontal flip with probability 1/2, {@code ToTensor} and
 * {@code Normalize}. timm's colour jitter, auto-augment and random erasing are not included.
 *
 * <p>All randomness comes from the generator passed in ({@code java.util.Random},
 * {@code SplittableRandom}, ...), so a seed fixes the result; the draws follow timm's order but
 * not Python's random-number generator.
 */
public final class TrainTransform {

    private static final int ATTEMPTS = 10;

    private final int imgSize;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;
    private final Interpolation interpolation;
    private final Normalize normalize;

    /**
     * A region of the source image, in pixels.
     *
     * @param left first column
     * @param top first row
     * @param width W of the region
     * @param height H of the region
     */
    public record Crop(int left, int top, int width, int height) {}

    /**
     * Creates the transform.
     *
     * @param imgSize side of the square output
     * @param scaleMin smallest area fraction, timm's default 0.08
     * @param scaleMax largest area fraction, timm's default 1
     * @param ratioMin smallest aspect ratio W/H, timm's default 3/4
     * @param ratioMax largest aspect ratio W/H, timm's default 4/3
     * @param interpolation PIL filter of the resize
     * @param normalize channel statistics
     * @throws SparxException if a size, fraction or ratio is out of range
     */
    public TrainTransform(int imgSize, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
            Interpolation interpolation, Normalize normalize) {
        if (imgSize < 1) {
            throw new SparxException("img size " + imgSize + " must be positive");
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new SparxException(
                    "crop scale [" + scaleMin + ", " + scaleMax + "] must satisfy 0 < min <= max <= 1");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && !Double.isInfinite(ratioMax))) {
            throw new SparxException(
                    "aspect ratio [" + ratioMin + ", " + ratioMax + "] must satisfy 0 < min <= max");
        }
        this.imgSize = imgSize;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.interpolation = interpolation;
        this.normalize = normalize;
    }

    /**
     * timm's defaults: scale (0.08, 1), ratio (3/4, 4/3), ImageNet mean and std.
     *
     * @param imgSize side of the square output
     * @param interpolation PIL filter of the resize
     * @return the transform
     */
    public static TrainTransform imagenet(int imgSize, Interpolation interpolation) {
        return new TrainTransform(
                imgSize, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, interpolation, Normalize.IMAGENET);
    }

    /** @return side of the square output */
    public int imgSize() {
        return imgSize;
    }

    /**
     * Draws the crop region as timm's {@code RandomResizedCropAndInterpolation.get_params} does.
     *
     * @param width W of the source image
     * @param height H of the source image
     * @param random source of randomness
     * @return a region inside the image
     */
    public Crop sampleCrop(int width, int height, RandomGenerator random) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = uniform(random, scaleMin, scaleMax) * area;
            double aspect = Math.exp(uniform(random, Math.log(ratioMin), Math.log(ratioMax)));
            // Python's round() rounds halves to even, as Math.rint does.
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            // The w, h > 0 check (not in timm) keeps tiny images from yielding an empty crop.
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new Crop(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioMin) {
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            w = (int) Math.rint(h * ratioMax);
        }
        return new Crop((width - w) / 2, (height - h) / 2, w, h);
    }

    /**
     * Crops, resizes and maybe flips, without normalising.
     *
     * @param image any size
     * @param random source of randomness
     * @return imgSize x imgSize
     */
    public RgbImage augment(RgbImage image, RandomGenerator random) {
        Crop c = sampleCrop(image.width(), image.height(), random);
        RgbImage out = PilResample.resize(
                image.crop(c.left(), c.top(), c.width(), c.height()), imgSize, imgSize, interpolation);
        return random.nextDouble() < 0.5 ? out.flipHorizontal() : out;
    }

    /**
     * The whole transform.
     *
     * @param image any size
     * @param random source of randomness
     * @return the tensor (C=3, H=imgSize, W=imgSize), row-major
     */
    public float[] apply(RgbImage image, RandomGenerator random) {
        return normalize.apply(augment(image, random));
    }

    private static double uniform(RandomGenerator random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
