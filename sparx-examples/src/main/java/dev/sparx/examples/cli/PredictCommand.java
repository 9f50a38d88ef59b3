package dev.sparx.examples.cli;

import dev.sparx.core.SparxException;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecodeException;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.RgbImage;
import dev.sparx.examples.validate.ClassScores;
import dev.sparx.examples.validate.Classifier;
import dev.sparx.models.ImageNetClasses;
import dev.sparx.models.SparXConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparx predict IMAGE...}: the most probable classes of each image with their softmax
 * probabilities, named by ImageNet's class descriptions when the head has ImageNet's 1000 classes.
 * An image that cannot be read or decoded is reported on stderr and the others are still
 * classified; the exit status is then 1.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Classify images: the top classes with their probabilities (ImageNet names for a"
                + " 1000-class head).")
public final class PredictCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "1..*", paramLabel = "IMAGE",
            description = "JPEG, PNG, GIF, BMP or TIFF files.")
    private List<Path> images;

    @Mixin
    private ModelOptions modelOptions;

    @Option(names = "--topk", paramLabel = "K", defaultValue = "5",
            description = "How many classes to show per image (default ${DEFAULT-VALUE}).")
    private int topk;

    @Mixin
    private EvalOptions evalOptions;

    @Override
    public Integer call() {
        if (topk < 1) {
            throw new SparxException("--topk " + topk + " must be at least 1");
        }
        SparXConfig config = modelOptions.config();
        EvalTransform transform = evalOptions.settings(config).transform();
        Path checkpoint = modelOptions.checkpoint(spec.commandLine().getErr());
        boolean imagenet = config.numClasses() == ImageNetClasses.COUNT;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long[] shape = {1, 3, transform.imgSize(), transform.imgSize()};
        try (Classifier model = Classifier.load(config, checkpoint, modelOptions.selectiveScan())) {
            int failed = 0;
            for (Path image : images) {
                RgbImage decoded;
                try {
                    decoded = ImageDecoder.decode(image);
                } catch (ImageDecodeException e) {
                    err.println("error: " + e.getMessage());
                    failed++;
                    continue;
                }
                float[] logits = model.logits(transform.apply(decoded), shape);
                ClassScores scores = new ClassScores(logits, 0, config.numClasses());
                out.println(image + ":");
                int rank = 1;
                for (int c : scores.top(topk)) {
                    out.printf(Locale.ROOT, "  %d. %6.2f%%  %4d  %s%n", rank++, 100 * scores.probability(c), c,
                            imagenet ? ImageNetClasses.wordNetIds().get(c) + " " + ImageNetClasses.name(c)
                                    : "class " + c);
                }
            }
            if (failed > 0) {
                err.printf(Locale.ROOT, "%d of %d images could not be classified%n", failed, images.size());
                return 1;
            }
        }
        return 0;
    }
}
