package dev.sparx.examples.cli;

import dev.sparx.core.SparxException;
import dev.sparx.core.image.ImageDecodeException;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.RgbImage;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.FashionMnist;
import dev.sparx.examples.data.FashionMnistTransform;
import dev.sparx.examples.data.ImageFolder;
import dev.sparx.examples.data.LabelledImages;
import dev.sparx.examples.data.SampleTransform;
import dev.sparx.examples.validate.ClassMap;
import dev.sparx.examples.validate.Classifier;
import dev.sparx.examples.validate.EvalImageTransform;
import dev.sparx.examples.validate.EvalSettings;
import dev.sparx.examples.validate.Prediction;
import dev.sparx.examples.validate.PredictionsFile;
import dev.sparx.examples.validate.ShippedModel;
import dev.sparx.examples.validate.TimmResultsFile;
import dev.sparx.examples.validate.ValidationProgress;
import dev.sparx.examples.validate.ValidationResult;
import dev.sparx.examples.validate.Validator;
import dev.sparx.models.SparXConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparx validate}: top-1, top-5 and mean cross-entropy of a model over a labelled data set,
 * as timm's {@code validate.py} computes them, with timm's evaluation preprocessing. Without a
 * model it validates the shipped Fashion-MNIST model ({@link ShippedModel}) on Fashion-MNIST.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Validate a SparX-Mamba checkpoint on an ImageFolder data set (such as ImageNet's val/) or on"
                    + " Fashion-MNIST: top-1, top-5 and mean cross-entropy, as timm's validate.py.",
            "Without a model (and without DATA_DIR, or with --dataset fashion-mnist): the shipped Fashion-MNIST"
                    + " model on Fashion-MNIST's test split."
        })
public final class ValidateCommand implements Callable<Integer> {

    /** The data set formats. */
    enum Dataset {
        /** DATA_DIR/class/image, or DATA_DIR/val/class/image. */
        imagefolder,
        /** The IDX files of Fashion-MNIST; the test split is validated. */
        fashion_mnist
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DATA_DIR",
            description = "For imagefolder: a folder of class folders, or one holding val/. For fashion-mnist:"
                    + " the folder of the IDX files (default: /usr/share/datasets/fashion-mnist when installed, else the"
                    + " test split shipped in data/fashion-mnist).")
    private Path dataDir;

    @Option(names = "--dataset", paramLabel = "KIND", defaultValue = "imagefolder",
            converter = DatasetConverter.class,
            description = "imagefolder (default) or fashion-mnist.")
    private Dataset dataset;

    @Mixin
    private ModelOptions modelOptions;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "B", defaultValue = "128",
            description = "Images per batch (default ${DEFAULT-VALUE}).")
    private int batchSize;

    @Mixin
    private EvalOptions evalOptions;

    @Option(names = "--class-map", paramLabel = "FILE",
            description = "One class folder name per line; line i is the model's class i (timm's --class-map).")
    private Path classMap;

    @Option(names = "--results-file", paramLabel = "FILE",
            description = "Write timm's results CSV (model, top1, top1_err, top5, top5_err, param_count,"
                    + " img_size, crop_pct, interpolation).")
    private Path resultsFile;

    @Option(names = "--predictions-file", paramLabel = "FILE",
            description = "Write one CSV row per image: file,target,top5,loss.")
    private Path predictionsFile;

    @Option(names = "--workers", paramLabel = "N",
            description = "Threads decoding and preprocessing ahead of the model (default: min(4, CPUs)).")
    private Integer workers;

    @Option(names = "--limit", paramLabel = "N",
            description = "Validate N images spread evenly over the data set (every (size/N)-th), for a quick"
                    + " check.")
    private Integer limit;

    @Option(names = "--strict-images",
            description = "Stop at the first image that cannot be decoded, instead of skipping it with a"
                    + " warning.")
    private boolean strictImages;

    @Option(names = "--no-progress", description = "Draw no progress bar.")
    private boolean noProgress;

    /** Parses {@code fashion-mnist} as well as the enum's own spelling. */
    static final class DatasetConverter implements picocli.CommandLine.ITypeConverter<Dataset> {
        @Override
        public Dataset convert(String value) {
            for (Dataset d : Dataset.values()) {
                if (d.name().equals(value.replace('-', '_').toLowerCase(Locale.ROOT))) {
                    return d;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "unknown data set '" + value + "'; expected imagefolder or fashion-mnist");
        }
    }

    @Override
    public Integer call() {
        // the offline default: no model named, and no folder of images to validate on
        boolean offlineDefault =
                !modelOptions.anyGiven() && (dataDir == null || dataset == Dataset.fashion_mnist);
        if (batchSize < 1) {
            throw new SparxException("--batch-size " + batchSize + " must be at least 1");
        }
        if (limit != null && limit < 1) {
            throw new SparxException("--limit " + limit + " must be at least 1");
        }
        SparXConfig config = offlineDefault ? ShippedModel.config() : modelOptions.config();
        String name = offlineDefault ? ShippedModel.NAME : modelOptions.modelName();
        Dataset kind = offlineDefault ? Dataset.fashion_mnist : dataset;
        int threads = workers != null ? workers : Math.min(4, Runtime.getRuntime().availableProcessors());
        try (Run<?> run = kind == Dataset.fashion_mnist ? fashionMnist(threads) : imageFolder(config, threads)) {
            checkClasses(run.loader.data(), config);
            Path checkpoint = offlineDefault ? null : modelOptions.checkpoint(spec.commandLine().getErr());
            try (Classifier model = offlineDefault
                    ? Classifier.load(config, ShippedModel.weights(), modelOptions.selectiveScan())
                    : Classifier.load(config, checkpoint, modelOptions.selectiveScan())) {
                report(name, run, validate(model, run), model.parameterCount());
            }
        }
        return 0;
    }

    /** A data set ready to go: its loader and how its images were preprocessed, for the results file. */
    private record Run<T>(BatchLoader<T> loader, String source, int imgSize, double cropPct, String interpolation)
            implements AutoCloseable {
        @Override
        public void close() {
            loader.close();
        }
    }

    private Run<RgbImage> imageFolder(SparXConfig config, int threads) {
        if (dataDir == null) {
            throw new SparxException("DATA_DIR is missing: give the folder of class folders (or the one holding"
                    + " val/), or --dataset fashion-mnist");
        }
        Path root = ImageFolder.split(dataDir, "val");
        LabelledImages<RgbImage> data = ImageFolder.open(root, ImageDecoder::decode);
        if (classMap != null) {
            data = ClassMap.read(classMap).relabel(data);
        }
        EvalSettings settings = evalOptions.settings(config);
        spec.commandLine().getErr().println("preprocessing: " + settings);
        return new Run<>(loader(data, new EvalImageTransform(settings.transform()), threads), root.toString(),
                settings.imgSize(), settings.cropPct(), settings.interpolation().timmName());
    }

    private Run<?> fashionMnist(int threads) {
        if (evalOptions.anyGiven() || classMap != null) {
            throw new SparxException("--img-size, --crop-pct, --interpolation and --class-map do not apply to"
                    + " Fashion-MNIST, whose 28x28 images go to the model as they are");
        }
        Path dir = dataDir != null ? dataDir : FashionMnist.defaultDir();
        FashionMnist data = FashionMnist.open(dir, FashionMnist.Split.TEST);
        return new Run<>(loader(data, FashionMnistTransform.eval(data.rows()), threads),
                dir + " (" + FashionMnist.Split.TEST.prefix() + ")", data.rows(), 1.0, "none");
    }

    private <T> BatchLoader<T> loader(LabelledImages<T> data, SampleTransform<T> transform, int threads) {
        return new BatchLoader<>(data, transform, batchSize, threads, !strictImages);
    }

    private void checkClasses(LabelledImages<?> data, SparXConfig config) {
        int classes = data.classes().size();
        if (classes != config.numClasses()) {
            throw new SparxException("the data set has " + classes + " classes but the model's head has "
                    + config.numClasses() + (classMap != null ? " (class map " + classMap + ")" : "")
                    + "; give --class-map FILE to place the class folders among the model's classes, or"
                    + " --num-classes for a model trained on these classes");
        }
    }

    private ValidationResult validate(Classifier model, Run<?> run) {
        int size = run.loader.data().size();
        int[] order = evenlySpaced(size, limit == null ? size : Math.min(limit, size));
        PrintWriter err = spec.commandLine().getErr();
        try (PredictionsFile predictions = predictionsFile == null ? null : new PredictionsFile(predictionsFile);
                ValidationProgress progress = new ValidationProgress(order.length, !noProgress)) {
            return new Validator(model).run(run.loader, order, new Validator.Observer() {
                @Override
                public void skipped(ImageDecodeException error) {
                    err.println("warning: skipped: " + error.getMessage());
                }

                @Override
                public void predicted(Prediction p) {
                    if (predictions != null) {
                        predictions.write(p);
                    }
                }

                @Override
                public void progress(long done, double top1) {
                    progress.update(done, top1);
                }
            });
        } catch (ImageDecodeException e) {
            throw new SparxException(
                    e.getMessage() + " (--strict-images; without it such images are skipped)", e);
        }
    }

    /** {@code n} indices spread evenly over {@code 0..size-1}: {@code floor(i * size / n)}. */
    static int[] evenlySpaced(int size, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) ((long) i * size / n);
        }
        return order;
    }

    private void report(String model, Run<?> run, ValidationResult r, long parameters) {
        PrintWriter out = spec.commandLine().getOut();
        String skipped = r.skipped() == 0 ? "" : ", " + r.skipped() + " skipped as undecodable (see the warnings)";
        out.printf(Locale.ROOT, "%s (%.2fM parameters) on %s: %d images%s%n", model, parameters / 1e6, run.source,
                r.images(), skipped);
        out.printf(Locale.ROOT, " * Acc@1 %.3f (%.3f) Acc@5 %.3f (%.3f) loss %.4f%n", r.top1(), 100 - r.top1(),
                r.top5(), 100 - r.top5(), r.loss());
        out.printf(Locale.ROOT, " %.1f s, %.1f images/s (%.1f s of it waiting for decoded images)%n", r.seconds(),
                r.imagesPerSecond(), r.waitSeconds());
        if (resultsFile != null) {
            TimmResultsFile.write(resultsFile, model, r, parameters, run.imgSize, run.cropPct, run.interpolation);
        }
    }
}
