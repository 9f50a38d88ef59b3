package dev.sparx.core.image;

import dev.sparx.core.SparxException;

/**
 * PIL's {@code Image.resize} for 8-bit RGB images with the bilinear and bicubic filters, bit for
 * bit: Pillow's {@code ImagingResampleInner} ({@code src/libImaging/Resample.c}) over the whole
 * image (no box, no {@code reducing_gap}, which is how torchvision calls it).
 *
 * <p>The filter's support grows with the downscale factor (antialiasing); the weights are computed
 * in double, normalised to sum 1 and rounded to signed fixed point with 22 fractional bits. The
 * horizontal pass runs first, over only the rows the vertical pass will read, then the vertical
 * pass; a pass whose size does not change is skipped. Each pass rounds (adds one half) and clips to
 * 0..255.
 */
public final class PilResample {

    /** Pillow's {@code PRECISION_BITS}: 8 bits for the result, 2 for overflow, in a 32-bit int. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private PilResample() {}

    /**
     * Resizes an image.
     *
     * @param image source, H x W
     * @param width new W, at least 1
     * @param height new H, at least 1
     * @param filter the resampling filter
     * @return the resized image (the source itself when the size does not change, as PIL copies it)
     * @throws SparxException if a size is not positive
     */
    public static RgbImage resize(RgbImage image, int width, int height, Interpolation filter) {
        if (width < 1 || height < 1) {
            throw new SparxException("resize target " + width + "x" + height + " is not positive");
        }
        boolean horizontal = width != image.width();
        boolean vertical = height != image.height();
        if (!horizontal && !vertical) {
            return image;
        }
        Coefficients vert = Coefficients.compute(image.height(), height, filter);
        byte[] pixels = image.data();
        int rowOffset = 0;
        if (horizontal) {
            // ImagingResampleInner: resample horizontally only the rows [first, last) that the
            // vertical pass reads; the vertical bounds are then relative to `first`.
            int first = vert.start[0];
            int last = vert.start[height - 1] + vert.count[height - 1];
            Coefficients horiz = Coefficients.compute(image.width(), width, filter);
            pixels = horizontalPass(pixels, image.width(), first, last - first, horiz);
            rowOffset = first;
        }
        if (vertical) {
            pixels = verticalPass(pixels, width, vert, rowOffset);
        }
        return new RgbImage(width, height, pixels);
    }

    /** Pillow's {@code ImagingResampleHorizontal_8bpc} for three bands, over rows [first, first + rows). */
    private static byte[] horizontalPass(byte[] in, int inWidth, int first, int rows, Coefficients c) {
        int outWidth = c.start.length;
        byte[] out = new byte[rows * outWidth * 3];
        for (int y = 0; y < rows; y++) {
            int rowBase = (first + y) * inWidth * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int k0 = xx * c.ksize;
                int p = rowBase + c.start[xx] * 3;
                int r = HALF;
                int g = HALF;
                int b = HALF;
                for (int x = 0; x < c.count[xx]; x++, p += 3) {
                    int k = c.fixed[k0 + x];
                    r += (in[p] & 0xff) * k;
                    g += (in[p + 1] & 0xff) * k;
                    b += (in[p + 2] & 0xff) * k;
                }
                int o = (y * outWidth + xx) * 3;
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8(b);
            }
        }
        return out;
    }

    /**
     * Pillow's {@code ImagingResampleVertical_8bpc} for three bands; the source's first row is
     * row {@code rowOffset} of the original image.
     */
    private static byte[] verticalPass(byte[] in, int width, Coefficients c, int rowOffset) {
        int outHeight = c.start.length;
        int stride = width * 3;
        byte[] out = new byte[outHeight * stride];
        for (int yy = 0; yy < outHeight; yy++) {
            int k0 = yy * c.ksize;
            int base = (c.start[yy] - rowOffset) * stride;
            for (int i = 0; i < stride; i++) {
                int s = HALF;
                int p = base + i;
                for (int y = 0; y < c.count[yy]; y++, p += stride) {
                    s += (in[p] & 0xff) * c.fixed[k0 + y];
                }
                out[yy * stride + i] = clip8(s);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: drop the fraction bits (arithmetic shift) and clamp to 0..255. */
    private static byte clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** One pass's weights: per output sample, a first source index, a count and fixed-point weights. */
    private static final class Coefficients {
        final int ksize;
        final int[] start;
        final int[] count;
        final int[] fixed;

        private Coefficients(int ksize, int[] start, int[] count, int[] fixed) {
            this.ksize = ksize;
            this.start = start;
            this.count = count;
            this.fixed = fixed;
        }

        /**
         * Pillow's {@code precompute_coeffs} for the box [0, inSize) followed by
         * {@code normalize_coeffs_8bpc}; the operation order is kept so the doubles agree exactly.
         */
        static Coefficients compute(int inSize, int outSize, Interpolation filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] fixed = new int[outSize * ksize];
            double[] w = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                // (int) truncates towards zero, like the C cast Pillow uses to "round".
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = filter.weight((x + xmin - center + 0.5) * ss);
                    ww += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double k = ww != 0.0 ? w[x] / ww : w[x];
                    double scaled = k * (1 << PRECISION_BITS);
                    fixed[xx * ksize + x] = k < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, start, count, fixed);
        }
    }
}
