package dev.sparx.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import dev.sparx.core.tensor.HostTensor;
import java.nio.file.Path;

/**
 * timm's evaluation transform ({@code transforms_imagenet_eval} with the default centre-crop
 * mode): resize the shorter side to {@code floor(imgSize / cropPct)} with PIL, keeping the aspect
 * ratio as torchvision's {@code Resize(int)} does, centre-crop {@code imgSize x imgSize} with
 * torchvision's rounding, then {@code ToTensor} and {@code Normalize}.
 */
public final class EvalTransform {

    private final int imgSize;
    private final double cropPct;
    private final Interpolation interpolation;
    private final Normalize normalize;

    /**
     * Creates the transform.
     *
     * @param imgSize side of the square output, H = W
     * @param cropPct fraction of the resized shorter side that the crop keeps, in (0, 1] usually
     * @param interpolation PIL filter of the resize
     * @param normalize channel statistics
     * @throws SparxException if imgSize or cropPct is not positive
     */
    public EvalTransform(int imgSize, double cropPct, Interpolation interpolation, Normalize normalize) {
        if (imgSize < 1) {
            throw new SparxException("img size " + imgSize + " must be positive");
        }
        if (!(cropPct > 0) || Double.isInfinite(cropPct)) {
            throw new SparxException("crop pct " + cropPct + " must be a positive fraction such as 0.9");
        }
        this.imgSize = imgSize;
        this.cropPct = cropPct;
        this.interpolation = interpolation;
        this.normalize = normalize;
    }

    /**
     * The transform with ImageNet's mean and std.
     *
     * @param imgSize side of the square output
     * @param cropPct crop fraction, e.g. 0.9 for SparX-Mamba-T, 0.95 for S and B
     * @param interpolation PIL filter of the resize (the SparX models use bicubic)
     * @return the transform
     */
    public static EvalTransform imagenet(int imgSize, double cropPct, Interpolation interpolation) {
        return new EvalTransform(imgSize, cropPct, interpolation, Normalize.IMAGENET);
    }

    /** @return side of the square output */
    public int imgSize() {
        return imgSize;
    }

    /** @return the crop fraction */
    public double cropPct() {
        return cropPct;
    }

    /** @return the resize filter */
    public Interpolation interpolation() {
        return interpolation;
    }

    /** @return the channel statistics */
    public Normalize normalize() {
        return normalize;
    }

    /** @return the length of the resized shorter side, timm's {@code math.floor(img_size / crop_pct)} */
    public int scaleSize() {
        return (int) Math.floor(imgSize / cropPct);
    }

    /**
     * Resizes and crops, without normalising: the 8-bit image that {@code ToTensor} receives.
     *
     * @param image any size
     * @return imgSize x imgSize
     */
    public RgbImage resizeAndCrop(RgbImage image) {
        int[] size = resizedSize(image.width(), image.height());
        return centerCrop(PilResample.resize(image, size[0], size[1], interpolation), imgSize);
    }

    /**
     * torchvision's {@code _compute_resized_output_size} for {@code Resize(scaleSize())}: the
     * shorter side becomes scaleSize, the longer {@code int(scaleSize * long / short)}, truncated.
     *
     * @return {W, H} after the resize
     */
    int[] resizedSize(int width, int height) {
        int size = scaleSize();
        int longSide = (int) ((double) size * Math.max(width, height) / Math.min(width, height));
        return width <= height ? new int[] {size, longSide} : new int[] {longSide, size};
    }

    /**
     * torchvision's {@code F.center_crop}: offsets {@code int(round((size - crop) / 2))} with
     * Python's round-half-to-even; an image smaller than the crop is first padded with black,
     * {@code (crop - size) // 2} before and the rest after.
     */
    static RgbImage centerCrop(RgbImage image, int crop) {
        int w = image.width();
        int h = image.height();
        int padLeft = crop > w ? (crop - w) / 2 : 0;
        int padTop = crop > h ? (crop - h) / 2 : 0;
        int paddedW = Math.max(w, crop);
        int paddedH = Math.max(h, crop);
        int left = (int) Math.rint((paddedW - crop) / 2.0) - padLeft;
        int top = (int) Math.rint((paddedH - crop) / 2.0) - padTop;
        return image.crop(left, top, crop, crop);
    }

    /**
     * The whole transform.
     *
     * @param image any size
     * @return the tensor (C=3, H=imgSize, W=imgSize), row-major
     */
    public float[] apply(RgbImage image) {
        return normalize.apply(resizeAndCrop(image));
    }

    /**
     * Decodes a file (PIL semantics, see {@link ImageDecoder}) and transforms it.
     *
     * @param file the image
     * @return the tensor (C=3, H=imgSize, W=imgSize), row-major
     * @throws ImageDecodeException if the file cannot be decoded
     */
    public float[] apply(Path file) {
        return apply(ImageDecoder.decode(file));
    }

    /**
     * The transform as a float32 host tensor, e.g. for {@code Npy.write}.
     *
     * @param image any size
     * @return shape (3, imgSize, imgSize)
     */
    public HostTensor toTensor(RgbImage image) {
        return HostTensor.ofFloats(new long[] {3, imgSize, imgSize}, apply(image));
    }

    /**
     * The transform as an NDArray.
     *
     * @param manager owner of the new array; the caller closes it
     * @param image any size
     * @return float32, shape (3, imgSize, imgSize)
     */
    public NDArray toNDArray(NDManager manager, RgbImage image) {
        return manager.create(apply(image), new Shape(3, imgSize, imgSize));
    }
}
