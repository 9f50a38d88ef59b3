package dev.sparx.models.zoo;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sparx.core.SparxException;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * The inputs the SparX translators accept, brought to the 8-bit RGB pixels timm's transform starts
 * from: a file {@link Path}, decoded as PIL decodes it; a DJL {@link Image}; or an {@link RgbImage}.
 */
final class ImageInputs {

    /** The input classes, in the order the factory lists them. */
    static final List<Class<?>> TYPES = List.of(Image.class, Path.class, RgbImage.class);

    private ImageInputs() {}

    /**
     * @param input an {@link Image}, a {@link Path} or an {@link RgbImage}
     * @param manager owns any array made on the way (a non-ImageIO DJL image's pixels)
     * @return the pixels
     */
    static RgbImage toRgb(Object input, NDManager manager) {
        if (input instanceof RgbImage rgb) {
            return rgb;
        }
        if (input instanceof Path file) {
            return ImageDecoder.decode(file);
        }
        if (input instanceof Image image) {
            if (image.getWrappedImage() instanceof BufferedImage b) {
                return ImageDecoder.fromBufferedImage(b);
            }
            // another image factory (OpenCV): its own H, W, C uint8 RGB pixels
            try (NDArray hwc = image.toNDArray(manager, Image.Flag.COLOR)) {
                return RgbImage.of(image.getWidth(), image.getHeight(), hwc.toByteArray());
            }
        }
        throw new SparxException(
                "a SparX translator takes an ai.djl.modality.cv.Image, a java.nio.file.Path or an RgbImage; got "
                        + (input == null ? "null" : input.getClass().getName()));
    }
}
