package dev.sparx.examples.cli;

import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.Interpolation;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparx preprocess IMAGE --output OUT.npy}: timm's evaluation transform of one image (PIL
 * decoding and resampling, resize, centre crop, ImageNet normalisation), written as a float32
 * {@code .npy} of shape (3, H, W).
 */
@Command(
        name = "preprocess",
        mixinStandardHelpOptions = true,
        description = "Apply timm's evaluation transform to one image and write the 3xHxW float32"
                + " tensor as .npy.")
public final class PreprocessCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "JPEG, PNG, GIF, BMP or TIFF file.")
    private Path image;

    @Option(names = "--img-size", paramLabel = "N", defaultValue = "224",
            description = "Side of the square crop (default ${DEFAULT-VALUE}).")
    private int imgSize;

    @Option(names = "--crop-pct", paramLabel = "P", defaultValue = "0.9",
            description = "Crop fraction: the shorter side is resized to floor(img-size / P)"
                    + " (default ${DEFAULT-VALUE}).")
    private double cropPct;

    @Option(names = "--interpolation", paramLabel = "I", defaultValue = "bicubic",
            description = "bicubic or bilinear (default ${DEFAULT-VALUE}).")
    private String interpolation;

    @Option(names = "--output", paramLabel = "OUT.npy", required = true,
            description = "Where to write the tensor.")
    private Path output;

    @Override
    public Integer call() {
        EvalTransform transform =
                EvalTransform.imagenet(imgSize, cropPct, Interpolation.fromName(interpolation));
        HostTensor tensor = transform.toTensor(ImageDecoder.decode(image));
        Npy.write(output, tensor);
        spec.commandLine().getOut().printf(
                "%s -> %s: float32 3x%dx%d (resize %s to shorter side %d, crop pct %s)%n",
                image, output, imgSize, imgSize, transform.interpolation().timmName(),
                transform.scaleSize(), cropPct);
        return 0;
    }
}
