package dev.sparx.examples.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.Seeds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a model: per step a forward pass in training mode, the label-smoothed loss, backward,
 * gradient clipping, an AdamW step at the schedule's rate and an EMA update; per epoch an
 * evaluation of the model (and its EMA), a row of {@code metrics.csv}, the curves in
 * {@code curves.png}, and the checkpoints {@code last.pth} and, when top-1 improved,
 * {@code best.pth}.
 *
 * <p>Every random choice is derived from the run's seed (see {@link Seeds}): epoch e visits the
 * samples in the permutation drawn from {@code (seed, SHUFFLE, e)}, sample i of that order is
 * augmented with {@code (seed, AUGMENT, e, i)}, and before step t the engine's generator, which
 * the model's drop path draws from, is re-seeded from {@code (seed, DROP_PATH, t)}. The random
 * state at an epoch boundary is therefore the seed and the step count, both in the checkpoint,
 * and a resumed run repeats the uninterrupted one exactly.
 */
public final class TrainingRun {

    /** File names in the output folder. */
    public static final String LAST = "last.pth";
    /** The checkpoint of the best validation top-1 so far. */
    public static final String BEST = "best.pth";
    /** One row per epoch. */
    public static final String METRICS = "metrics.csv";
    /** The curves of {@link #METRICS}. */
    public static final String CURVES = "curves.png";

    private static final long SHUFFLE = 1;
    private static final long AUGMENT = 2;
    private static final long DROP_PATH = 3;

    private final TrainableModel model;
    private final BatchLoader<?> train;
    private final BatchLoader<?> val;
    private final TrainingOptions options;
    private final String arch;
    private final Map<String, Object> args;
    private final PrintStream log;

    /**
     * Prepares a run.
     *
     * @param model the model, initialised or loaded
     * @param train training batches (with the training transform)
     * @param val validation batches (with the evaluation transform)
     * @param options hyper-parameters
     * @param arch the model's name, stored in checkpoints
     * @param args the command line's options, stored in checkpoints for the record
     * @param log where the per-epoch summary lines go
     */
    public TrainingRun(
            TrainableModel model,
            BatchLoader<?> train,
            BatchLoader<?> val,
            TrainingOptions options,
            String arch,
            Map<String, Object> args,
            PrintStream log) {
        this.model = model;
        this.train = train;
        this.val = val;
        this.options = options;
        this.arch = arch;
        this.args = args;
        this.log = log;
    }

    /**
     * Trains to the last epoch.
     *
     * @param resume a checkpoint written by an earlier run of the same configuration to continue
     *     from, or null to start afresh
     * @return the metrics of every epoch, resumed ones included
     * @throws TrainingDivergedException if a loss is NaN or infinite; {@code last.pth} then still
     *     holds the last finished epoch
     */
    public List<EpochMetrics> run(Path resume) {
        int samples = train.data().size();
        int stepsPerEpoch = train.batchCount(samples, true);
        if (stepsPerEpoch == 0) {
            throw new SparxException(
                    "the training set has " + samples + " images, fewer than one batch of " + options.batchSize());
        }
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        CosineSchedule schedule = new CosineSchedule(options.lr(), options.warmupLr(), options.minLr(),
                Math.round(options.warmupEpochs() * stepsPerEpoch), totalSteps);
        LabelSmoothingCrossEntropy criterion = new LabelSmoothingCrossEntropy(options.labelSmoothing());
        List<Parameter> trainable = model.parameters().values().stream().filter(Parameter::requiresGradient).toList();
        Path output = options.output();
        createFolder(output);
        try (NDManager manager = NDManager.newBaseManager();
                AdamW optimizer = new AdamW(model, options.weightDecay(), TrainingOptions.BETA1,
                        TrainingOptions.BETA2, TrainingOptions.EPS, manager);
                ModelEma ema = options.emaDecay() > 0 ? new ModelEma(model, options.emaDecay(), manager) : null) {
            RunState state = new RunState(options.seed(), 0, Double.NEGATIVE_INFINITY, 0, new ArrayList<>());
            if (resume != null) {
                state = restore(resume, optimizer, ema, stepsPerEpoch, output);
            }
            ParameterStore store = new ParameterStore(manager, false);
            for (int epoch = state.epochsDone(); epoch < options.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] order = Seeds.permutation(samples, Seeds.random(state.seed(), SHUFFLE, epoch));
                Iterator<BatchLoader.Batch> batches =
                        train.epoch(order, true, Seeds.derive(state.seed(), AUGMENT, epoch));
                double lossSum = 0;
                double lr = 0;
                long trainNanos = 0;
                try (EpochProgress bar = new EpochProgress(
                        "epoch " + (epoch + 1) + "/" + options.epochs(), (long) stepsPerEpoch * options.batchSize(),
                        options.progress())) {
                    for (int k = 0; k < stepsPerEpoch; k++) {
                        BatchLoader.Batch batch = batches.next();
                        long t0 = System.nanoTime();
                        long step = (long) epoch * stepsPerEpoch + k;
                        lr = schedule.lr(step);
                        Engine.getInstance().setRandomSeed((int) Seeds.derive(state.seed(), DROP_PATH, step));
                        double loss = step(batch, store, criterion, trainable, optimizer, ema, lr, manager);
                        if (!Double.isFinite(loss)) {
                            throw diverged(step, epoch, k, loss, state.epochsDone() > 0 || epoch > 0);
                        }
                        trainNanos += System.nanoTime() - t0;
                        lossSum += loss;
                        bar.step(batch.size(), lossSum / (k + 1), lr);
                    }
                }
                Accuracy acc = Accuracy.evaluate(model.block(), store, val.inOrder(), manager);
                Accuracy emaAcc = ema == null ? null
                        : Accuracy.evaluate(model.block(), ema.parameterStore(manager), val.inOrder(), manager);
                EpochMetrics row = new EpochMetrics(epoch + 1, (long) (epoch + 1) * stepsPerEpoch, lr,
                        lossSum / stepsPerEpoch, acc.loss(), acc.top1(), acc.top5(),
                        emaAcc == null ? Double.NaN : emaAcc.top1(), emaAcc == null ? Double.NaN : emaAcc.top5(),
                        (double) stepsPerEpoch * options.batchSize() / (trainNanos / 1e9),
                        (System.nanoTime() - epochStart) / 1e9);
                state.metrics().add(row);
                boolean best = acc.top1() > state.bestTop1();
                state = new RunState(state.seed(), epoch + 1, best ? acc.top1() : state.bestTop1(),
                        best ? epoch + 1 : state.bestEpoch(), state.metrics());
                TrainingCheckpoint ckpt = new TrainingCheckpoint(arch, epoch + 1, row.step(), state.seed(),
                        acc.top1(), state.bestTop1(), state.bestEpoch(), model.stateDict(Parameter::getArray),
                        ema == null ? null : ema.stateDict(), optimizer.state(), optimizer.groups(), row.lr(),
                        args);
                ckpt.write(output.resolve(LAST));
                if (best) {
                    ckpt.write(output.resolve(BEST));
                }
                writeMetrics(output, state.metrics());
                log.println(summary(row, options.epochs()));
            }
            return state.metrics();
        }
    }

    private record RunState(long seed, int epochsDone, double bestTop1, int bestEpoch, List<EpochMetrics> metrics) {}

    /** One optimiser step; returns the batch's loss, or the non-finite loss without stepping. */
    private double step(
            BatchLoader.Batch batch,
            ParameterStore store,
            LabelSmoothingCrossEntropy criterion,
            List<Parameter> trainable,
            AdamW optimizer,
            ModelEma ema,
            double lr,
            NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(FloatBuffer.wrap(batch.pixels()), new Shape(batch.shape()));
            NDArray y = scope.create(batch.labels());
            for (Parameter p : trainable) {
                JniUtils.zeroGrad((PtNDArray) p.getArray());
            }
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.block().forward(store, new NDList(x), true).singletonOrThrow();
                NDArray loss = criterion.loss(logits, y);
                value = loss.getFloat();
                if (!Double.isFinite(value)) {
                    return value;
                }
                gc.backward(loss);
            }
            if (options.clipGrad() > 0) {
                List<NDArray> grads = new ArrayList<>(trainable.size());
                for (Parameter p : trainable) {
                    NDArray g = p.getArray().getGradient();
                    g.attach(scope);
                    grads.add(g);
                }
                GradientClipping.clip(grads, options.clipGrad());
            }
            optimizer.step(lr);
            if (ema != null) {
                ema.update();
            }
            return value;
        }
    }

    private RunState restore(Path file, AdamW optimizer, ModelEma ema, int stepsPerEpoch, Path output) {
        TrainingCheckpoint ckpt = TrainingCheckpoint.read(file);
        if (ckpt.step() != (long) ckpt.epochsDone() * stepsPerEpoch) {
            throw new SparxException(
                    "cannot resume from " + file + ": it ended epoch " + ckpt.epochsDone() + " at step " + ckpt.step()
                            + ", but this run has " + stepsPerEpoch + " steps per epoch (a different data set or"
                            + " batch size?)");
        }
        if (ckpt.epochsDone() >= options.epochs()) {
            throw new SparxException(
                    "cannot resume from " + file + ": it has already finished " + ckpt.epochsDone()
                            + " epochs and this run has --epochs " + options.epochs());
        }
        if ((ema != null) != (ckpt.ema() != null)) {
            throw new SparxException(
                    "cannot resume from " + file + ": it was written " + (ckpt.ema() != null ? "with" : "without")
                            + " --model-ema and this run is " + (ema != null ? "with" : "without") + " it");
        }
        model.loadStateDict(ckpt.model());
        optimizer.loadState(ckpt.optimizer());
        if (ema != null) {
            ema.load(ckpt.ema());
        }
        List<EpochMetrics> metrics = new ArrayList<>();
        for (EpochMetrics row : readMetrics(output)) {
            if (row.epoch() <= ckpt.epochsDone()) {
                metrics.add(row);
            }
        }
        return new RunState(ckpt.seed(), ckpt.epochsDone(), ckpt.bestTop1(), ckpt.bestEpoch(), metrics);
    }

    private TrainingDivergedException diverged(long step, int epoch, int batch, double loss, boolean saved) {
        String kept = saved
                ? "the last good checkpoint is " + options.output().resolve(LAST) + " (end of epoch " + epoch + ")"
                : "no checkpoint was written (it diverged in the first epoch)";
        return new TrainingDivergedException(step, String.format(Locale.ROOT,
                "training loss is %s at step %d (epoch %d, batch %d); stopped without applying it; %s."
                        + " Try a lower --lr or --clip-grad.",
                loss, step, epoch + 1, batch, kept));
    }

    private static List<EpochMetrics> readMetrics(Path output) {
        Path file = output.resolve(METRICS);
        List<EpochMetrics> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                rows.add(EpochMetrics.parse(line));
            }
            return rows;
        } catch (IOException e) {
            throw new SparxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeMetrics(Path output, List<EpochMetrics> rows) {
        StringBuilder csv = new StringBuilder(EpochMetrics.HEADER).append('\n');
        rows.forEach(r -> csv.append(r.toCsv()).append('\n'));
        OutputFiles.write(output.resolve(METRICS), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        OutputFiles.write(output.resolve(CURVES), out -> CurvePlot.write(rows, out));
    }

    private static String summary(EpochMetrics r, int epochs) {
        String ema = Double.isNaN(r.emaTop1()) ? ""
                : String.format(Locale.ROOT, "  ema top1 %.2f top5 %.2f", r.emaTop1(), r.emaTop5());
        return String.format(Locale.ROOT,
                "epoch %d/%d  train_loss %.4f  val_loss %.4f  top1 %.2f  top5 %.2f%s  lr %.3e  %.1f img/s  %.0f s",
                r.epoch(), epochs, r.trainLoss(), r.valLoss(), r.valTop1(), r.valTop5(), ema, r.lr(),
                r.imagesPerSecond(), r.seconds());
    }

    private static void createFolder(Path output) {
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new SparxException("cannot create output folder " + output + ": " + e.getMessage(), e);
        }
    }
}
