package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.examples.SparxCli;
import dev.sparx.examples.data.IdxTestFiles;
import dev.sparx.examples.train.TrainingCheckpoint;
import dev.sparx.examples.train.TrainingRun;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneCommandTest {

    @TempDir static Path dir;

    private static Path config;
    private static Path fmnist;

    @BeforeAll
    static void data() throws IOException {
        config = dir.resolve("micro.json");
        try (InputStream in = FinetuneCommandTest.class.getResourceAsStream("/finetune/micro.json")) {
            Files.copy(in, config);
        }
        fmnist = dir.resolve("fmnist");
        IdxTestFiles.writeFashionMnist(fmnist, 40, 20);
    }

    /** Runs the command line and returns its stdout; fails on a non-zero exit. */
    private static String sparx(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            status = SparxCli.run(args);
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        return out;
    }

    private static SparXMamba network(int classes, NDManager manager, int side) {
        SparXMamba net = SparXMamba.builder()
                .setConfig(SparXConfig.fromJson(config).toBuilder().setNumClasses(classes).build()).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, side, side));
        return net;
    }

    @Test
    void trainsOnFashionMnistAndItsCheckpointLoadsStrict() {
        Path out = dir.resolve("scratch");
        String log = sparx("finetune", "--dataset", "fashion-mnist", fmnist.toString(), "--config", config.toString(),
                "--epochs", "2", "-b", "8", "--lr", "2e-3", "--model-ema", "--model-ema-decay", "0.9",
                "--drop-path", "0.1", "--clip-grad", "1", "--output", out.toString(), "--no-progress", "--workers", "1");
        assertTrue(log.contains("epoch 2/2") && log.contains("ema top1"), log);
        for (String f : List.of(TrainingRun.LAST, TrainingRun.BEST, TrainingRun.METRICS, TrainingRun.CURVES)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        // the model alone (state_dict) and the EMA load strict into a fresh network, as torch's would
        try (NDManager m = NDManager.newBaseManager()) {
            SparXMamba fresh = network(10, m, 28);
            StateDict weights = Checkpoints.read(out.resolve(TrainingRun.LAST));
            assertTrue(StateDictLoader.load(fresh, weights).isExact());
            assertTrue(weights.contains("layers.2.blocks.1.op.d_proj.1.num_batches_tracked"));
            TrainingCheckpoint ckpt = TrainingCheckpoint.read(out.resolve(TrainingRun.LAST));
            assertTrue(StateDictLoader.load(fresh, ckpt.ema()).isExact());
            assertEquals(2, ckpt.epochsDone());
            assertEquals(2L * 5, ckpt.step());
        }
    }

    @Test
    void aCheckpointWithAnotherHeadGetsANewOne() {
        Path first = dir.resolve("twelve");
        sparx("finetune", "--dataset", "fashion-mnist", fmnist.toString(), "--config", config.toString(),
                "--num-classes", "12", "--epochs", "1", "-b", "8", "--output", first.toString(), "--no-progress");
        Path second = dir.resolve("ten");
        String log = sparx("finetune", "--dataset", "fashion-mnist", fmnist.toString(), "--config", config.toString(),
                "--checkpoint", first.resolve(TrainingRun.BEST).toString(), "--freeze-backbone", "--epochs", "1",
                "-b", "8", "--output", second.toString(), "--no-progress");
        assertTrue(log.contains("new head, re-initialised: classifier.3.weight, classifier.3.bias"), log);
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict before = Checkpoints.read(first.resolve(TrainingRun.BEST));
            StateDict after = Checkpoints.read(second.resolve(TrainingRun.LAST));
            assertEquals(List.of(12L, 16L), List.of(before.get("classifier.3.weight").shape()[0], 16L));
            assertEquals(10, after.get("classifier.3.weight").shape()[0]);
            // a frozen backbone keeps its weights; only the head (and BatchNorm statistics) move
            assertEquals(before.get("layers.0.blocks.0.op.in_proj.weight").toFloatArray()[3],
                    after.get("layers.0.blocks.0.op.in_proj.weight").toFloatArray()[3]);
            assertTrue(StateDictLoader.load(network(10, m, 28), after).isExact());
        }
    }

    @Test
    void trainsOnAnImageFolder() throws IOException {
        Path root = dir.resolve("folder");
        for (String split : List.of("train", "val")) {
            for (String cls : List.of("dark", "light")) {
                Path d = Files.createDirectories(root.resolve(split).resolve(cls));
                for (int i = 0; i < 4; i++) {
                    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
                    int v = cls.equals("dark") ? 30 + i : 200 + i;
                    for (int y = 0; y < 30; y++) {
                        for (int x = 0; x < 40; x++) {
                            img.setRGB(x, y, (v << 16) | ((v + x) << 8) | (v - y));
                        }
                    }
                    ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        }
        Path out = dir.resolve("folder-run");
        String log = sparx("finetune", root.toString(), "--config", config.toString(), "--img-size", "32",
                "--epochs", "1", "-b", "4", "--output", out.toString(), "--no-progress");
        assertTrue(log.contains("2 classes") && log.contains("8 training and 8 validation images"), log);
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(StateDictLoader.load(network(2, m, 32), Checkpoints.read(out.resolve(TrainingRun.LAST)))
                    .isExact());
        }
    }
}
