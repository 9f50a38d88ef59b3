package dev.sparx.core.image;

/**
 * PIL's conversions to 8-bit RGB that are not plain copies: CMYK to RGB ({@code Convert.c},
 * {@code cmyk2rgb}) and, for JPEGs stored as YCCK, libjpeg-turbo's YCC to RGB step that precedes
 * it ({@code jdcolor.c}, {@code build_ycc_rgb_table} and {@code ycck_cmyk_convert}).
 */
final class PilConvert {

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private PilConvert() {}

    private static int fix(double x) {
        return (int) (x * (1 << SCALEBITS) + 0.5);
    }

    /**
     * {@code cmyk2rgb}: each of R, G, B is {@code (255 - K) - C * (255 - K) / 255}, with PIL's
     * rounded division by 255 ({@code MULDIV255}).
     *
     * @param cmyk PIL's CMYK samples (ink amounts, 0 = none), four per pixel
     * @param pixels number of pixels
     * @return RGB samples, three per pixel
     */
    static byte[] cmykToRgb(int[] cmyk, int pixels) {
        byte[] out = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) {
            int nk = 255 - cmyk[4 * p + 3];
            for (int c = 0; c < 3; c++) {
                int tmp = cmyk[4 * p + c] * nk + 128;
                int v = nk - (((tmp >> 8) + tmp) >> 8);
                out[3 * p + c] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    /**
     * Turns the raw samples of a four-component JPEG into the CMYK that PIL holds. libjpeg hands
     * PIL Adobe-style inverted CMYK (converting YCCK first when the file is YCCK), and PIL's
     * {@code JpegImagePlugin} reads every four-component JPEG with raw mode {@code CMYK;I}, which
     * inverts it back.
     *
     * @param raw the file's samples, four per pixel, as libjpeg decodes them without colour conversion
     * @param ycck whether libjpeg treats the file as YCCK
     * @return PIL's CMYK samples, four per pixel (the array is reused)
     */
    static int[] jpegCmyk(int[] raw, boolean ycck) {
        for (int p = 0; p < raw.length; p += 4) {
            if (ycck) {
                int y = raw[p];
                int cb = raw[p + 1];
                int cr = raw[p + 2];
                // ycck_cmyk_convert writes clamp(255 - channel) and CMYK;I inverts that, so PIL
                // ends up with the clamped YCC->RGB channel itself.
                raw[p] = clamp(y + CR_R[cr]);
                raw[p + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
                raw[p + 2] = clamp(y + CB_B[cb]);
            } else {
                raw[p] = 255 - raw[p];
                raw[p + 1] = 255 - raw[p + 1];
                raw[p + 2] = 255 - raw[p + 2];
            }
            raw[p + 3] = 255 - raw[p + 3];
        }
        return raw;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
