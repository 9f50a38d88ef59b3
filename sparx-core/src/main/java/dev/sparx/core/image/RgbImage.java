package dev.sparx.core.image;

import dev.sparx.core.SparxException;
import java.util.Arrays;

/**
 * An 8-bit RGB image in row-major H, W, C order (C = 3): what PIL holds after {@code convert('RGB')}
 * and what the resampling and the transforms work on. Instances are immutable.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] pixels;

    /** Adopts a buffer built inside this package, without copying it. */
    RgbImage(int width, int height, byte[] pixels) {
        if (width < 1 || height < 1) {
            throw new SparxException("image size " + width + "x" + height + " is not positive");
        }
        if (pixels.length != (long) width * height * 3) {
            throw new SparxException(
                    "an RGB image of " + width + "x" + height + " needs " + (long) width * height * 3
                            + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * Creates an image from pixels in H, W, C order.
     *
     * @param width W, at least 1
     * @param height H, at least 1
     * @param pixels exactly {@code height * width * 3} bytes, read as unsigned; copied
     * @return the image
     * @throws SparxException if the size or the buffer length is wrong
     */
    public static RgbImage of(int width, int height, byte[] pixels) {
        return new RgbImage(width, height, pixels.clone());
    }

    /** @return W, in pixels */
    public int width() {
        return width;
    }

    /** @return H, in pixels */
    public int height() {
        return height;
    }

    /**
     * One sample.
     *
     * @param x column, 0 to W - 1
     * @param y row, 0 to H - 1
     * @param channel 0 red, 1 green, 2 blue
     * @return the value, 0 to 255
     */
    public int get(int x, int y, int channel) {
        if (x < 0 || x >= width || y < 0 || y >= height || channel < 0 || channel > 2) {
            throw new SparxException(
                    "pixel (" + x + ", " + y + ", " + channel + ") is outside a " + width + "x" + height
                            + " RGB image");
        }
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }

    /** @return a copy of the pixels, H, W, C order */
    public byte[] toByteArray() {
        return pixels.clone();
    }

    /** The pixel buffer itself, for this package's loops; callers must not modify it. */
    byte[] data() {
        return pixels;
    }

    /**
     * Cuts out a rectangle the way PIL's {@code Image.crop} does: parts of the rectangle that lie
     * outside the image are black.
     *
     * @param left first column, may be negative
     * @param top first row, may be negative
     * @param cropWidth W of the result, at least 1
     * @param cropHeight H of the result, at least 1
     * @return the cropped image
     */
    public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
        if (cropWidth < 1 || cropHeight < 1) {
            throw new SparxException("crop size " + cropWidth + "x" + cropHeight + " is not positive");
        }
        byte[] out = new byte[cropWidth * cropHeight * 3];
        int x0 = Math.max(left, 0);
        int x1 = Math.min(left + cropWidth, width);
        for (int y = Math.max(top, 0); y < Math.min(top + cropHeight, height) && x0 < x1; y++) {
            int to = ((y - top) * cropWidth + x0 - left) * 3;
            System.arraycopy(pixels, (y * width + x0) * 3, out, to, (x1 - x0) * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    /** @return the image mirrored left to right (PIL's {@code FLIP_LEFT_RIGHT}) */
    public RgbImage flipHorizontal() {
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(pixels, (y * width + x) * 3, out, (y * width + width - 1 - x) * 3, 3);
            }
        }
        return new RgbImage(width, height, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other
                && other.width == width
                && other.height == height
                && Arrays.equals(other.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
