package dev.sparx.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an image file to the pixels PIL gives for {@code Image.open(f).convert('RGB')}.
 *
 * <p>The format is found from the content, not the name (a JPEG called {@code .png} decodes as a
 * JPEG). ImageIO does the entropy decoding, its libjpeg giving the same pixels as PIL's
 * libjpeg-turbo; everything colour-related is done here from the raw samples, because
 * {@code BufferedImage.getRGB} and ImageIO's ICC handling convert colours where PIL does not:
 * <ul>
 *   <li>RGB, RGBA: the R, G, B samples (alpha dropped, not composited);
 *   <li>grayscale, grayscale + alpha: the gray sample copied to R, G and B;
 *   <li>palette (PNG, GIF, BMP), with or without transparency: the palette's R, G, B;
 *   <li>16-bit samples: the high byte, except 16-bit grayscale without alpha, which PIL opens as
 *       a 32-bit integer image and clips to 255;
 *   <li>1, 2 and 4-bit grayscale: scaled to 0..255;
 *   <li>four-component (CMYK or YCCK) JPEGs: the raw samples inverted as PIL's {@code CMYK;I}
 *       does, then PIL's {@code cmyk2rgb}.
 * </ul>
 * JPEG colour profiles are ignored, as PIL ignores them. A truncated JPEG is an error, as in PIL
 * (which ImageIO would otherwise fill with gray).
 */
public final class ImageDecoder {

    /**
     * PIL's decompression-bomb limit: {@code Image.open} refuses images of more than twice
     * {@code MAX_IMAGE_PIXELS} pixels.
     */
    static final long MAX_PIXELS = 2L * 89_478_485L;

    private ImageDecoder() {}

    /**
     * Decodes a file.
     *
     * @param file a JPEG, PNG, GIF, BMP or TIFF file
     * @return its pixels after PIL's {@code convert('RGB')}
     * @throws ImageDecodeException if the file is missing, empty, truncated, corrupt or unsupported
     */
    public static RgbImage decode(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(file.toString(), "no such file");
        } catch (IOException e) {
            throw new ImageDecodeException(file.toString(), "cannot read the file: " + e.getMessage(), e);
        }
        return decode(data, file.toString());
    }

    /**
     * Decodes an image held in memory.
     *
     * @param data the encoded file
     * @param name how to name the source in errors
     * @return its pixels after PIL's {@code convert('RGB')}
     * @throws ImageDecodeException if the data is empty, truncated, corrupt or unsupported
     */
    public static RgbImage decode(byte[] data, String name) {
        if (data.length == 0) {
            throw new ImageDecodeException(name, "the file is empty");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(
                        name, "unrecognised content; expected a JPEG, PNG, GIF, BMP or TIFF image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                TruncationWatch truncation = new TruncationWatch();
                reader.addIIOReadWarningListener(truncation);
                checkSize(reader, name);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                RgbImage image;
                if (format.equals("jpeg")) {
                    image = decodeJpeg(reader, JpegHeader.scan(data), name);
                } else {
                    boolean grayWithoutAlpha = format.equals("png") && pngColourType(data) == 0;
                    image = fromImage(reader.read(0), name, grayWithoutAlpha);
                }
                if (truncation.warning != null) {
                    throw new ImageDecodeException(
                            name, "the file is truncated (" + truncation.warning + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException d) {
                throw d;
            }
            throw new ImageDecodeException(name, "corrupt or unsupported image data: " + e.getMessage(), e);
        }
    }

    /**
     * Converts an image already decoded by ImageIO (a DJL {@code Image} of the default factory wraps
     * one) the way {@link #decode(Path)} converts its own decoding: from the raster's raw samples,
     * not through {@code getRGB}, which converts gray from linear to sRGB where PIL copies it. The
     * decoding itself was ImageIO's, so a JPEG with an ICC profile or CMYK data may differ from PIL.
     *
     * @param image an RGB, RGBA, gray, gray + alpha or palette image
     * @return its pixels as PIL's {@code convert('RGB')} gives them for the same samples
     * @throws ImageDecodeException for other colour spaces or sample sizes
     */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        return fromImage(image, "BufferedImage", false);
    }

    private static void checkSize(ImageReader reader, String name) throws IOException {
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
            throw new ImageDecodeException(
                    name,
                    reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels exceeds PIL's limit of "
                            + MAX_PIXELS + " pixels (a decompression bomb?)");
        }
    }

    private static RgbImage decodeJpeg(ImageReader reader, JpegHeader header, String name)
            throws IOException {
        if (header.components == 4) {
            // ImageIO would colour-convert CMYK; readRaster returns the samples as libjpeg decodes
            // them with its output colour space equal to the file's (CMYK or YCCK).
            Raster raster = reader.readRaster(0, null);
            int n = raster.getWidth() * raster.getHeight();
            int[] raw = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), new int[n * 4]);
            byte[] rgb = PilConvert.cmykToRgb(PilConvert.jpegCmyk(raw, header.isYcck()), n);
            return new RgbImage(raster.getWidth(), raster.getHeight(), rgb);
        }
        if (header.components != 1 && header.components != 3) {
            throw new ImageDecodeException(
                    name, "a JPEG with " + header.components + " components; expected 1, 3 or 4");
        }
        // Selecting bands disables ImageIO's Java-side colour conversion (from an embedded ICC
        // profile to sRGB); libjpeg's YCbCr->RGB, which PIL also uses, stays.
        ImageReadParam param = reader.getDefaultReadParam();
        int[] bands = header.components == 1 ? new int[] {0} : new int[] {0, 1, 2};
        param.setSourceBands(bands);
        param.setDestinationBands(bands);
        return fromImage(reader.read(0, param), name, header.components == 1);
    }

    /** The colour type in a PNG's IHDR chunk (0 = grayscale without alpha), or -1. */
    private static int pngColourType(byte[] data) {
        return data.length > 25 ? data[25] & 0xff : -1;
    }

    /**
     * PIL's {@code convert('RGB')} of a decoded image, from its raw samples.
     *
     * @param grayWithoutAlpha the file stores gray without an alpha channel; ImageIO may still add
     *     one (from a PNG tRNS chunk), but PIL opens such a 16-bit file as mode I and clips it
     */
    private static RgbImage fromImage(BufferedImage image, String name, boolean grayWithoutAlpha) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        if (cm instanceof IndexColorModel icm) {
            int[] index = raster.getSamples(0, 0, w, h, 0, new int[w * h]);
            for (int p = 0; p < w * h; p++) {
                int i = index[p];
                out[3 * p] = (byte) icm.getRed(i);
                out[3 * p + 1] = (byte) icm.getGreen(i);
                out[3 * p + 2] = (byte) icm.getBlue(i);
            }
            return new RgbImage(w, h, out);
        }
        int csType = cm.getColorSpace().getType();
        boolean gray = csType == ColorSpace.TYPE_GRAY;
        if (!gray && csType != ColorSpace.TYPE_RGB) {
            throw new ImageDecodeException(
                    name,
                    "unsupported colour space (type " + csType + "); expected RGB, grayscale or palette");
        }
        int colourBands = gray ? 1 : 3;
        if (raster.getNumBands() < colourBands) {
            throw new ImageDecodeException(
                    name, raster.getNumBands() + " bands for a " + (gray ? "gray" : "RGB") + " image");
        }
        boolean grayOnly = gray && (raster.getNumBands() == 1 || grayWithoutAlpha);
        for (int c = 0; c < colourBands; c++) {
            int bits = raster.getSampleModel().getSampleSize(c);
            if (bits > 8 && bits != 16) {
                throw new ImageDecodeException(name, bits + "-bit samples; expected 1 to 8 or 16 bits");
            }
            int[] s = raster.getSamples(0, 0, w, h, c, new int[w * h]);
            for (int p = 0; p < w * h; p++) {
                int v = to8Bits(s[p], bits, grayOnly);
                if (gray) {
                    out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = (byte) v;
                } else {
                    out[3 * p + c] = (byte) v;
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * PIL's reduction of one sample to 8 bits: the ;16B unpackers keep the high byte, 16-bit
     * grayscale (mode I) is clipped by {@code i2rgb}, low bit depths are scaled up.
     */
    private static int to8Bits(int v, int bits, boolean grayOnly) {
        if (bits == 8) {
            return v;
        }
        if (bits == 16) {
            return grayOnly ? Math.min(v, 255) : v >> 8;
        }
        return v * 255 / ((1 << bits) - 1);
    }

    /**
     * Records ImageIO's warning that a JPEG ends before its EOI marker (ImageIO then fills the
     * missing rows with gray), which PIL reports as an error. Corrupt-data warnings for complete
     * files are ignored, as PIL ignores them.
     */
    private static final class TruncationWatch implements javax.imageio.event.IIOReadWarningListener {
        String warning;

        @Override
        public void warningOccurred(ImageReader source, String message) {
            if (message != null && message.toLowerCase(Locale.ROOT).startsWith("truncated file")) {
                warning = message;
            }
        }
    }
}
