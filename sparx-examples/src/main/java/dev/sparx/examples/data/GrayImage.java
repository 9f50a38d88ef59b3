package dev.sparx.examples.data;

import dev.sparx.core.SparxException;

/**
 * An 8-bit single-channel image, row-major: what a Fashion-MNIST sample is.
 *
 * @param width number of columns W
 * @param height number of rows H
 * @param pixels H*W gray levels 0..255 as unsigned bytes, row by row
 */
public record GrayImage(int width, int height, byte[] pixels) {

    /**
     * Checks that the pixel count matches the size.
     *
     * @throws SparxException if it does not
     */
    public GrayImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new SparxException(
                    "gray image of " + width + "x" + height + " needs " + width * height
                            + " pixels, got " + pixels.length);
        }
    }

    /**
     * The gray level at a pixel.
     *
     * @param x column
     * @param y row
     * @return 0..255
     */
    public int at(int x, int y) {
        return pixels[y * width + x] & 0xff;
    }
}
