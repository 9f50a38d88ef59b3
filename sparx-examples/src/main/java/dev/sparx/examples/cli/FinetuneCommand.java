package dev.sparx.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.Interpolation;
import dev.sparx.core.image.RgbImage;
import dev.sparx.core.image.TrainTransform;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.FashionMnist;
import dev.sparx.examples.data.FashionMnistTransform;
import dev.sparx.examples.data.GrayImage;
import dev.sparx.examples.data.ImageFolder;
import dev.sparx.examples.data.RgbTransforms;
import dev.sparx.examples.train.EpochMetrics;
import dev.sparx.examples.train.TrainableModel;
import dev.sparx.examples.train.TrainingOptions;
import dev.sparx.examples.train.TrainingRun;
import dev.sparx.models.LoadReport;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictKeys;
import dev.sparx.models.StateDictLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sparx finetune}: trains a SparX-Mamba model on an image folder or on Fashion-MNIST, from a
 * checkpoint (with a new head when the class count differs) or from the specification's
 * initialisation, and writes {@code last.pth}, {@code best.pth}, {@code metrics.csv} and
 * {@code curves.png} to the output folder.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fine-tune a SparX-Mamba checkpoint on your own classes, or train one from scratch.",
            "DATA is a folder with train/ and val/, each holding one folder of images per class; with"
                    + " --dataset fashion-mnist it is the folder of the IDX files (default"
                    + " /usr/share/datasets/fashion-mnist)."
        })
public final class FinetuneCommand implements Callable<Integer> {

    private static final String IMAGE_FOLDER = "imagefolder";
    private static final String FASHION_MNIST = "fashion-mnist";
    private static final String HEAD = "classifier.";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DATA", description = "The data folder.")
    private Path data;

    @Option(names = "--dataset", paramLabel = "KIND", defaultValue = IMAGE_FOLDER,
            description = "imagefolder (default) or fashion-mnist.")
    private String dataset;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ModelChoice model;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Start from these weights (.pth or .safetensors); a head of another size is"
                    + " replaced by a new one. Default: the specification's initialisation.")
    private Path checkpoint;

    @Option(names = "--num-classes", paramLabel = "N",
            description = "Head size; default: the data's class count (it must not be smaller).")
    private Integer numClasses;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "30", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "B", defaultValue = "128",
            description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Peak learning rate of AdamW. Default: ${DEFAULT-VALUE}.")
    private double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.05",
            description = "Decoupled weight decay (none on norms, biases, A_logs, Ds, layer scale)."
                    + " Default: ${DEFAULT-VALUE}.")
    private double weightDecay;

    @Option(names = "--warmup-epochs", paramLabel = "W",
            description = "Linear warm-up before the cosine decay. Default: 5, or --epochs - 1 if that is less.")
    private Double warmupEpochs;

    @Option(names = "--warmup-lr", paramLabel = "LR", defaultValue = "1e-6",
            description = "Rate at the first step. Default: ${DEFAULT-VALUE}.")
    private double warmupLr;

    @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "1e-5",
            description = "Floor of the cosine. Default: ${DEFAULT-VALUE}.")
    private double minLr;

    @Option(names = "--drop-path", paramLabel = "P", defaultValue = "0",
            description = "Stochastic depth rate (linear over the blocks). Default: ${DEFAULT-VALUE}.")
    private double dropPath;

    @Option(names = "--label-smoothing", paramLabel = "S", defaultValue = "0.1", description = "Default: ${DEFAULT-VALUE}.")
    private double labelSmoothing;

    @Option(names = "--clip-grad", paramLabel = "C", defaultValue = "0",
            description = "Clip gradients to this global L2 norm; 0 (default) for none.")
    private double clipGrad;

    @Option(names = "--model-ema", description = "Keep and evaluate an exponential moving average of the weights.")
    private boolean modelEma;

    @Option(names = "--model-ema-decay", paramLabel = "D", defaultValue = "0.9998", description = "Default: ${DEFAULT-VALUE}.")
    private double modelEmaDecay;

    @Option(names = "--img-size", paramLabel = "S",
            description = "Input side. Default: 224 for image folders; 28 for Fashion-MNIST, where a larger"
                    + " side centres the image on black.")
    private Integer imgSize;

    @Option(names = "--freeze-backbone", description = "Train only the classifier head.")
    private boolean freezeBackbone;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "runs/finetune", description = "Default: ${DEFAULT-VALUE}.")
    private Path output;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue an interrupted run from its last.pth (same data and options).")
    private Path resume;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the initialisation, shuffling, augmentation and drop path. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--workers", paramLabel = "N",
            description = "Data loading threads. Default: the number of cores.")
    private Integer workers;

    @Option(names = "--no-progress", description = "Draw no progress bars on stderr.")
    private boolean noProgress;

    @Override
    public Integer call() {
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        if (dataset.equals(FASHION_MNIST)) {
            Path dir = data != null ? data : FashionMnist.DEFAULT_DIR;
            FashionMnist train = FashionMnist.open(dir, FashionMnist.Split.TRAIN);
            int side = imgSize != null ? imgSize : train.cols();
            try (BatchLoader<GrayImage> trainBatches =
                            new BatchLoader<>(train, FashionMnistTransform.train(side), batchSize, threads);
                    BatchLoader<GrayImage> valBatches = new BatchLoader<>(
                            FashionMnist.open(dir, FashionMnist.Split.TEST), FashionMnistTransform.eval(side),
                            batchSize, threads)) {
                return train(trainBatches, valBatches, side);
            }
        }
        if (!dataset.equals(IMAGE_FOLDER)) {
            throw new SparxException("--dataset must be " + IMAGE_FOLDER + " or " + FASHION_MNIST + ", got '" + dataset + "'");
        }
        if (data == null) {
            throw new SparxException("DATA is required: a folder with train/ and val/ sub-folders");
        }
        for (String split : List.of("train", "val")) {
            if (!Files.isDirectory(data.resolve(split))) {
                throw new SparxException("data folder " + data + " has no " + split + "/ sub-folder (expected DATA/"
                        + split + "/<class>/<image>)");
            }
        }
        int side = imgSize != null ? imgSize : 224;
        ImageFolder<RgbImage> train = ImageFolder.open(data.resolve("train"), ImageDecoder::decode);
        ImageFolder<RgbImage> val = ImageFolder.open(data.resolve("val"), ImageDecoder::decode);
        if (!train.classes().equals(val.classes())) {
            throw new SparxException("train/ and val/ of " + data + " have different class folders: " + train.classes()
                    + " and " + val.classes());
        }
        EvalTransform eval = EvalTransform.imagenet(side, model.config().cropPct(), Interpolation.BICUBIC);
        try (BatchLoader<RgbImage> trainBatches = new BatchLoader<>(
                        train, RgbTransforms.train(TrainTransform.imagenet(side, Interpolation.BICUBIC)), batchSize,
                        threads);
                BatchLoader<RgbImage> valBatches = new BatchLoader<>(val, RgbTransforms.eval(eval), batchSize, threads)) {
            return train(trainBatches, valBatches, side);
        }
    }

    private int train(BatchLoader<?> trainBatches, BatchLoader<?> valBatches, int side) {
        PrintWriter out = spec.commandLine().getOut();
        int classes = trainBatches.data().classes().size();
        int head = numClasses != null ? numClasses : classes;
        if (head < classes) {
            throw new SparxException("--num-classes " + head + " is smaller than the " + classes
                    + " classes of the training data");
        }
        SparXConfig config = model.config().toBuilder().setNumClasses(head).optDropPathRate(dropPath).build();
        // the initialisation draws from the engine's generator
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba network = SparXMamba.builder().setConfig(config).build();
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, side, side));
            if (checkpoint != null && resume == null) {
                out.println(loadCheckpoint(network));
            }
            TrainableModel trainable = new TrainableModel(network, StateDictKeys.of(network));
            if (freezeBackbone) {
                trainable.parameters().forEach((k, p) -> {
                    if (!k.startsWith(HEAD)) {
                        p.freeze(true);
                    }
                });
            }
            long count = trainable.parameters().values().stream().filter(p -> p.requiresGradient())
                    .mapToLong(p -> p.getArray().size()).sum();
            out.printf(Locale.ROOT, "%s, %d classes, input %dx%d: %,d trainable parameters; %d training and %d"
                            + " validation images%n", model.label(), head, side, side, count,
                    trainBatches.data().size(), valBatches.data().size());
            out.flush();
            double warmup = warmupEpochs != null ? warmupEpochs : Math.min(5, epochs - 1);
            TrainingOptions options = new TrainingOptions(epochs, batchSize, lr, weightDecay, warmup, warmupLr, minLr,
                    labelSmoothing, clipGrad, modelEma ? modelEmaDecay : 0, seed, output, !noProgress);
            TrainingRun run = new TrainingRun(trainable, trainBatches, valBatches, options, model.label(),
                    recordedArgs(config, side), out);
            List<EpochMetrics> rows = run.run(resume);
            EpochMetrics best = rows.stream().max((a, b) -> Double.compare(a.valTop1(), b.valTop1())).orElseThrow();
            out.printf(Locale.ROOT, "best top-1 %.2f%% at epoch %d; %s and %s in %s%n", best.valTop1(), best.epoch(),
                    TrainingRun.BEST, TrainingRun.LAST, output);
            return 0;
        }
    }

    /**
     * Loads the starting weights. Only the classifier may differ (a new head, left at its
     * initialisation); anything else that does not fit means the wrong model for the checkpoint.
     */
    private String loadCheckpoint(SparXMamba network) {
        LoadReport report = StateDictLoader.load(network, Checkpoints.read(checkpoint, CheckpointOptions.NETWORK), false);
        List<String> outside = new ArrayList<>();
        report.missing().stream().filter(k -> !k.startsWith(HEAD)).forEach(outside::add);
        report.unexpected().stream().filter(k -> !k.startsWith(HEAD)).forEach(outside::add);
        report.mismatched().stream().filter(k -> !k.startsWith(HEAD)).forEach(outside::add);
        if (!outside.isEmpty()) {
            throw new SparxException("checkpoint " + checkpoint + " does not fit " + model.label() + " outside the"
                    + " classifier: " + report.describe());
        }
        if (report.isExact()) {
            return "loaded " + checkpoint + " (" + report.loaded() + " entries)";
        }
        List<String> fresh = new ArrayList<>(report.missing());
        report.mismatched().forEach(m -> fresh.add(m.substring(0, m.indexOf(':'))));
        return "loaded " + checkpoint + " (" + report.loaded() + " entries); new head, re-initialised: "
                + String.join(", ", fresh) + (report.mismatched().isEmpty() ? "" : " (" + String.join("; ",
                report.mismatched()) + ")");
    }

    private Map<String, Object> recordedArgs(SparXConfig config, int side) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("model", model.label());
        args.put("config", config.toJson());
        args.put("dataset", dataset);
        args.put("data_dir", data == null ? FashionMnist.DEFAULT_DIR.toString() : data.toString());
        args.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
        args.put("img_size", side);
        args.put("epochs", epochs);
        args.put("batch_size", batchSize);
        args.put("lr", lr);
        args.put("weight_decay", weightDecay);
        args.put("warmup_lr", warmupLr);
        args.put("min_lr", minLr);
        args.put("drop_path", dropPath);
        args.put("smoothing", labelSmoothing);
        args.put("clip_grad", clipGrad);
        args.put("model_ema", modelEma);
        args.put("model_ema_decay", modelEmaDecay);
        args.put("freeze_backbone", freezeBackbone);
        args.put("seed", seed);
        return args;
    }
}
