package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.FashionMnistTransform;
import dev.sparx.examples.data.GrayImage;
import dev.sparx.examples.data.SampleTransform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    @TempDir Path dir;

    private static TrainingOptions options(Path out, int epochs, double ema) {
        return new TrainingOptions(epochs, 8, 0.02, 0.05, 1, 1e-4, 1e-5, 0.1, 1.0, ema, 11, out, false);
    }

    /** Runs a fresh model (same initial weights every time) through the given options. */
    private static List<EpochMetrics> train(
            ToyImages data, SampleTransform<GrayImage> trainTf, TrainingOptions opts, Path resume, NDManager m) {
        Engine.getInstance().setRandomSeed(5);
        TrainableModel model = TinyNets.convNet(m, 3, ToyImages.SIDE);
        ToyImages val = new ToyImages(24, 99);
        try (BatchLoader<GrayImage> tl = new BatchLoader<>(data, trainTf, opts.batchSize(), 2);
                BatchLoader<GrayImage> vl = new BatchLoader<>(val, FashionMnistTransform.eval(ToyImages.SIDE), 16, 1)) {
            TrainingRun run = new TrainingRun(model, tl, vl, opts, "tiny_conv", Map.of("lr", opts.lr()),
                    new PrintWriter(new StringWriter()));
            return run.run(resume);
        }
    }

    private static SampleTransform<GrayImage> augment() {
        return FashionMnistTransform.train(ToyImages.SIDE);
    }

    @Test
    void writesCheckpointsMetricsAndCurvesAndTheModelReadsBackStrict() throws Exception {
        Path out = dir.resolve("run");
        try (NDManager m = NDManager.newBaseManager()) {
            List<EpochMetrics> rows = train(new ToyImages(48, 1), augment(), options(out, 3, 0.9), null, m);
            assertEquals(3, rows.size());
            assertTrue(rows.get(2).valTop1() > 60, rows.toString());
            assertTrue(rows.get(2).trainLoss() < rows.get(0).trainLoss(), rows.toString());
            assertTrue(!Double.isNaN(rows.get(2).emaTop1()));
            for (String f : List.of(TrainingRun.LAST, TrainingRun.BEST, TrainingRun.METRICS, TrainingRun.CURVES)) {
                assertTrue(Files.size(out.resolve(f)) > 0, f);
            }
            List<String> csv = Files.readAllLines(out.resolve(TrainingRun.METRICS));
            assertEquals(EpochMetrics.HEADER, csv.get(0));
            assertEquals(4, csv.size());
            byte[] png = Files.readAllBytes(out.resolve(TrainingRun.CURVES));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);

            // the model state dict alone, as timm's load_checkpoint finds it, loads strict
            StateDict sd = Checkpoints.read(out.resolve(TrainingRun.LAST));
            TrainableModel fresh = TinyNets.convNet(m, 3, ToyImages.SIDE);
            fresh.loadStateDict(sd);
            TrainingCheckpoint ckpt = TrainingCheckpoint.read(out.resolve(TrainingRun.LAST));
            assertEquals(3, ckpt.epochsDone());
            assertEquals(3L * 6, ckpt.step());
            assertEquals("tiny_conv", ckpt.arch());
            assertNotNull(ckpt.ema());
            assertEquals(sd.keys(), ckpt.ema().keys());
            assertEquals(3 * 6, ckpt.optimizer().size(), "step, exp_avg and exp_avg_sq of 6 trainable tensors");
        }
    }

    @Test
    void aResumedRunEndsBitForBitWhereTheUninterruptedOneDoes() throws Exception {
        Path whole = dir.resolve("whole");
        Path broken = dir.resolve("broken");
        try (NDManager m = NDManager.newBaseManager()) {
            train(new ToyImages(48, 1), augment(), options(whole, 3, 0.9), null, m);

            // crash while loading the second epoch: last.pth then holds epoch 1
            ToyImages crashing = new ToyImages(48, 1);
            crashing.failWhen(i -> Files.exists(broken.resolve(TrainingRun.LAST)) && i % 5 == 0);
            assertThrows(IllegalStateException.class,
                    () -> train(crashing, augment(), options(broken, 3, 0.9), null, m));
            assertEquals(1, TrainingCheckpoint.read(broken.resolve(TrainingRun.LAST)).epochsDone());

            List<EpochMetrics> resumed = train(new ToyImages(48, 1), augment(), options(broken, 3, 0.9),
                    broken.resolve(TrainingRun.LAST), m);
            assertEquals(3, resumed.size(), "the metrics of epoch 1 are kept from the first run");

            TrainingCheckpoint a = TrainingCheckpoint.read(whole.resolve(TrainingRun.LAST));
            TrainingCheckpoint b = TrainingCheckpoint.read(broken.resolve(TrainingRun.LAST));
            assertBitEqual(a.model(), b.model());
            assertBitEqual(a.ema(), b.ema());
            assertBitEqual(a.optimizer(), b.optimizer());
            assertEquals(a.step(), b.step());
        }
    }

    private static void assertBitEqual(StateDict want, StateDict got) {
        assertEquals(want.keys(), got.keys());
        for (String k : want.keys()) {
            HostTensor w = want.get(k);
            HostTensor g = got.get(k);
            byte[] wb = new byte[w.data().remaining()];
            w.data().get(wb);
            byte[] gb = new byte[g.data().remaining()];
            g.data().get(gb);
            assertArrayEquals(wb, gb, k);
        }
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Path out = dir.resolve("nan");
        SampleTransform<GrayImage> poisoned = new SampleTransform<>() {
            private final SampleTransform<GrayImage> inner = augment();

            @Override
            public int[] outputShape() {
                return inner.outputShape();
            }

            @Override
            public void apply(GrayImage sample, SplittableRandom rng, float[] o, int offset) {
                inner.apply(sample, rng, o, offset);
                if (Files.exists(out.resolve(TrainingRun.LAST))) {
                    o[offset] = Float.NaN;
                }
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> train(new ToyImages(48, 1), poisoned, options(out, 3, 0), null, m));
            // epoch 1 has 6 steps (0..5); the first batch of epoch 2 is step 6
            assertEquals(6, e.step());
            assertTrue(e.getMessage().contains("step 6") && e.getMessage().contains("NaN")
                    && e.getMessage().contains("last.pth"), e.getMessage());
            TrainingCheckpoint kept = TrainingCheckpoint.read(out.resolve(TrainingRun.LAST));
            assertEquals(1, kept.epochsDone());
            for (HostTensor t : kept.model().asMap().values()) {
                for (float v : t.toFloatArray()) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
    }
}
