package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import dev.sparx.examples.cli.CliRun.Outcome;
import dev.sparx.examples.validate.Classifier;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.ImageNetClasses;
import dev.sparx.models.SparXConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparx validate} over a small ImageFolder of the golden preprocessing images with the tiny
 * golden T-structured model (1000 classes, so the folders are placed among ImageNet's classes with
 * a class map).
 */
class ValidateCommandTest {

    /** Image file to its class folder, an ImageNet WordNet id (folder order differs from class order). */
    private static final Map<String, String> LAYOUT = new LinkedHashMap<>();

    static {
        LAYOUT.put("kitten.jpg", "n02123045"); // tabby, 281
        LAYOUT.put("kitten_gray.jpg", "n02123045");
        LAYOUT.put("fox_rgba.png", "n02119022"); // red fox, 277
        LAYOUT.put("airplane1.png", "n02690373"); // airliner, 404
        LAYOUT.put("pikachu_palette.png", "n01440764"); // tench, 0
    }

    /** Loss agreement between a batched run and one image at a time (float32 summation order). */
    private static final double LOSS_TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;

    private static Path data;
    private static Path classMap;
    private static Path config;
    private static Path weights;
    private static Map<String, Reference> reference;

    /** What the model gives for one image when run on its own: best classes, their probabilities, the loss. */
    private record Reference(int target, long[] top5, float[] probabilities, double loss) {}

    private static Path resource(String name) {
        try {
            return Path.of(ValidateCommandTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path image(String name) {
        return resource(name.equals("airplane1.png") ? "/preprocess/airplane1.png" : "/validate/images/" + name);
    }

    @BeforeAll
    static void setUp() throws IOException {
        data = tmp.resolve("imagenet");
        for (Map.Entry<String, String> e : LAYOUT.entrySet()) {
            Path dir = Files.createDirectories(data.resolve("val").resolve(e.getValue()));
            Files.copy(image(e.getKey()), dir.resolve(e.getKey()));
        }
        classMap = tmp.resolve("imagenet_classes.txt");
        Files.write(classMap, ImageNetClasses.wordNetIds());
        config = resource("/validate/tiny_t/config.json");
        weights = resource("/validate/tiny_t/weights.pth");
        reference = computeReference();
    }

    @AfterAll
    static void release() {
        reference = null;
    }

    /**
     * Runs the model on each image alone (B = 1) on the output of timm's eval transform, and takes
     * the top-5 and loss with DJL's own operations.
     */
    private static Map<String, Reference> computeReference() {
        SparXConfig c = SparXConfig.fromJson(config);
        EvalTransform transform = EvalTransform.imagenet(224, 0.9, dev.sparx.core.image.Interpolation.BICUBIC);
        Map<String, Reference> out = new LinkedHashMap<>();
        try (Classifier model = Classifier.load(c, weights, SelectiveScans.auto()); NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, String> e : LAYOUT.entrySet()) {
                float[] input = transform.apply(ImageDecoder.decode(image(e.getKey())));
                int target = ImageNetClasses.wordNetIds().indexOf(e.getValue());
                out.put(e.getValue() + "/" + e.getKey(), reference(model, m, input, target));
            }
        }
        return out;
    }

    private static Reference reference(Classifier model, NDManager m, float[] input, int target) {
        float[] logits = model.logits(input, new long[] {1, 3, 224, 224});
        try (NDManager scope = m.newSubManager()) {
            NDArray z = scope.create(logits, new Shape(1, logits.length));
            long[] top5 = Arrays.copyOf(z.argSort(1, false).toLongArray(), 5);
            float[] p = z.softmax(1).toFloatArray();
            float[] probabilities = new float[5];
            for (int i = 0; i < 5; i++) {
                probabilities[i] = p[(int) top5[i]];
            }
            double loss = -z.logSoftmax(1).getFloat(0, target);
            return new Reference(target, top5, probabilities, loss);
        }
    }

    private static List<String> baseArgs(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("validate", dataDir.toString(), "--config", config.toString(),
                "--checkpoint", weights.toString(), "--class-map", classMap.toString(), "-b", "2", "--workers", "2",
                "--no-progress"));
        args.addAll(List.of(more));
        return args;
    }

    private static List<String[]> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,target,top5,loss", lines.get(0));
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(","));
        }
        return rows;
    }

    @Test
    void perImageTop5AndLossAreTheModelsOnEachImage() throws IOException {
        Path predictions = tmp.resolve("predictions.csv");
        Path results = tmp.resolve("results.csv");
        Outcome o = CliRun.run(baseArgs(data, "--predictions-file", predictions.toString(), "--results-file",
                results.toString()).toArray(String[]::new));
        assertEquals(0, o.status(), o.err());
        List<String[]> rows = rows(predictions);
        assertEquals(reference.keySet(), rows.stream().map(r -> r[0]).collect(java.util.stream.Collectors.toSet()));
        int hits1 = 0;
        int hits5 = 0;
        double lossSum = 0;
        for (String[] row : rows) {
            Reference ref = reference.get(row[0]);
            assertEquals(ref.target(), Integer.parseInt(row[1]), row[0]);
            long[] top5 = Arrays.stream(row[2].split(" ")).mapToLong(Long::parseLong).toArray();
            assertArrayEquals(ref.top5(), top5, row[0]);
            assertEquals(ref.loss(), Double.parseDouble(row[3]), LOSS_TOLERANCE, row[0]);
            hits1 += ref.top5()[0] == ref.target() ? 1 : 0;
            hits5 += Arrays.stream(ref.top5()).anyMatch(c -> c == ref.target()) ? 1 : 0;
            lossSum += ref.loss();
        }
        // rows come in the data set's order: folders sorted, then files
        List<String> names = rows.stream().map(r -> r[0]).toList();
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        double top1 = 100.0 * hits1 / rows.size();
        double top5 = 100.0 * hits5 / rows.size();
        String summary = String.format(java.util.Locale.ROOT, " * Acc@1 %.3f (%.3f) Acc@5 %.3f (%.3f) loss %.4f",
                top1, 100 - top1, top5, 100 - top5, lossSum / rows.size());
        assertTrue(o.out().contains(summary), o.out() + " lacks " + summary);
        assertTrue(o.out().contains(": 5 images\n"), o.out());
        List<String> csv = Files.readAllLines(results);
        assertEquals("model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation", csv.get(0));
        String[] fields = csv.get(1).split(",");
        assertEquals("config.json", fields[0]);
        assertEquals(top1, Double.parseDouble(fields[1]), 1e-4);
        assertEquals(top5, Double.parseDouble(fields[3]), 1e-4);
        // timm counts parameters, not buffers: every entry but BatchNorm's statistics
        long parameters = 0;
        StateDict sd = Checkpoints.read(weights);
        for (String key : sd.keys()) {
            if (!key.matches(".*\\.(running_mean|running_var|num_batches_tracked)")) {
                parameters += sd.get(key).numel();
            }
        }
        assertEquals(Math.round(parameters / 1e4) / 100.0, Double.parseDouble(fields[5]), 1e-9);
        assertEquals(List.of("224", "0.9", "bicubic"), List.of(fields).subList(6, 9));
    }

    @Test
    void theEvalTransformMatchesTimmsTensorsAndSoDoesTheModelsAnswer() throws IOException {
        EvalTransform transform = EvalTransform.imagenet(224, 0.9, dev.sparx.core.image.Interpolation.BICUBIC);
        Map<String, HostTensor> expected = Map.of(
                "n02690373/airplane1.png", Npy.readNpz(resource("/preprocess/airplane1_expected.npz")).get("crop90"),
                "n02123045/kitten_gray.jpg", Npy.readNpz(resource("/validate/kitten_gray_expected.npz")).get("crop90"));
        try (Classifier model = Classifier.load(SparXConfig.fromJson(config), weights, SelectiveScans.auto());
                NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
                String file = e.getKey().substring(e.getKey().indexOf('/') + 1);
                float[] ours = transform.apply(ImageDecoder.decode(image(file)));
                float[] timm = e.getValue().toFloatArray();
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(timm[i], ours[i], 1e-5, e.getKey() + " element " + i);
                }
                Reference ref = reference.get(e.getKey());
                Reference onTimm = reference(model, m, timm, ref.target());
                assertArrayEquals(ref.top5(), onTimm.top5(), e.getKey());
                assertEquals(ref.loss(), onTimm.loss(), LOSS_TOLERANCE, e.getKey());
            }
        }
    }

    @Test
    void undecodableImagesAreSkippedWithOneWarningEachOrStopTheRunWhenStrict() throws IOException {
        Path bad = tmp.resolve("with_bad");
        for (String name : List.of("kitten.jpg", "airplane1.png")) {
            Path dir = Files.createDirectories(bad.resolve(LAYOUT.get(name)));
            Files.copy(image(name), dir.resolve(name));
        }
        byte[] jpeg = Files.readAllBytes(image("kitten.jpg"));
        Files.write(bad.resolve("n02123045/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(Files.createDirectories(bad.resolve("n02119022")).resolve("empty.jpg"), new byte[0]);
        Files.writeString(Files.createDirectories(bad.resolve("n01440764")).resolve("notes.png"), "not an image");
        Path predictions = tmp.resolve("bad_predictions.csv");
        // a small input keeps this test quick; the images' answers are checked at 224 above
        Outcome o = CliRun.run(baseArgs(bad, "--img-size", "64", "--predictions-file", predictions.toString())
                .toArray(String[]::new));
        assertEquals(0, o.status(), o.err());
        List<String> warnings = o.err().lines().filter(l -> l.startsWith("warning: ")).toList();
        assertEquals(3, warnings.size(), o.err());
        for (String name : List.of("truncated.jpg", "empty.jpg", "notes.png")) {
            assertEquals(1, warnings.stream().filter(w -> w.contains(name)).count(), name + " in " + warnings);
        }
        assertTrue(o.out().contains(": 2 images, 3 skipped as undecodable"), o.out());
        assertEquals(List.of("n02123045/kitten.jpg", "n02690373/airplane1.png"),
                rows(predictions).stream().map(r -> r[0]).toList());

        Outcome strict = CliRun.run(baseArgs(bad, "--img-size", "64", "--strict-images").toArray(String[]::new));
        assertEquals(2, strict.status());
        // the first bad file in the data set's order: n01440764/notes.png
        String error = strict.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(strict.err());
        assertTrue(error.startsWith("error: cannot decode image " + bad.resolve("n01440764/notes.png")), error);
        assertTrue(error.contains("--strict-images"), error);
    }

    @Test
    void aClassCountThatDisagreesWithTheHeadIsAnErrorBeforeAnyWork() {
        // a checkpoint that does not exist shows that the error comes before the weights are needed
        Outcome o = CliRun.run("validate", data.toString(), "--config", config.toString(), "--checkpoint",
                tmp.resolve("absent.pth").toString(), "--no-progress");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("the data set has 4 classes but the model's head has 1000"), o.err());
        assertTrue(o.err().contains("--class-map"), o.err());
    }

    @Test
    void aMissingOrEmptyDataDirIsAnError() throws IOException {
        Outcome missing = CliRun.run("validate", tmp.resolve("nowhere").toString(), "--config", config.toString(),
                "--checkpoint", weights.toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains(tmp.resolve("nowhere") + " does not exist"), missing.err());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Outcome none = CliRun.run("validate", empty.toString(), "--config", config.toString(), "--checkpoint",
                weights.toString());
        assertEquals(2, none.status());
        assertTrue(none.err().contains("has no class sub-folders"), none.err());
    }

    @Test
    void predictPrintsTheTopClassesWithImageNetNamesAndProbabilities() {
        Outcome o = CliRun.run("predict", image("kitten.jpg").toString(), image("airplane1.png").toString(), "--config",
                config.toString(), "--checkpoint", weights.toString(), "--topk", "3");
        assertEquals(0, o.status(), o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(8, lines.size(), o.out());
        int line = 0;
        for (String key : List.of("n02123045/kitten.jpg", "n02690373/airplane1.png")) {
            Reference ref = reference.get(key);
            String file = key.substring(key.indexOf('/') + 1);
            assertEquals(image(file) + ":", lines.get(line++));
            for (int rank = 0; rank < 3; rank++) {
                int c = (int) ref.top5()[rank];
                String expected = String.format(java.util.Locale.ROOT, "  %d. %6.2f%%  %4d  %s %s", rank + 1,
                        100 * ref.probabilities()[rank], c, ImageNetClasses.wordNetIds().get(c),
                        ImageNetClasses.name(c));
                assertEquals(expected, lines.get(line++));
            }
        }
    }

    @Test
    void predictReportsImagesItCannotDecodeAndClassifiesTheOthers() throws IOException {
        Path broken = Files.write(tmp.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Path missing = tmp.resolve("missing.png");
        Outcome o = CliRun.run("predict", broken.toString(), image("kitten.jpg").toString(), missing.toString(),
                "--config", config.toString(), "--checkpoint", weights.toString(), "--topk", "1");
        assertEquals(1, o.status(), o.err());
        assertEquals(List.of(image("kitten.jpg") + ":"), o.lines().stream().filter(l -> l.endsWith(":")).toList(),
                o.out());
        assertTrue(o.err().contains("cannot decode image " + broken), o.err());
        assertTrue(o.err().contains("cannot decode image " + missing + ": no such file"), o.err());
        assertTrue(o.err().contains("2 of 3 images could not be classified"), o.err());
    }

    @Test
    void pretrainedSaysPlainlyWhenOffline() throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Outcome o = CliRun.run("validate", data.toString(), "--model", "sparx_mamba_t", "--pretrained", "--class-map",
                classMap.toString(), "--cache-dir", tmp.resolve("cache").toString(), "--release-url",
                "http://127.0.0.1:" + closedPort + "/v1/", "--no-progress");
        assertEquals(2, o.status());
        String error = o.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(o.err());
        assertTrue(error.contains("127.0.0.1 cannot be reached") && error.contains("offline"), error);
        assertTrue(error.contains("copy it to " + tmp.resolve("cache").resolve("sparx_mamba_tiny_in1k.pth")), error);
        assertTrue(error.contains("--checkpoint FILE"), error);
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void limitTakesImagesSpreadOverTheDataSet() {
        assertArrayEquals(new int[] {0, 2, 5, 7}, ValidateCommand.evenlySpaced(10, 4));
        assertArrayEquals(new int[] {0, 1, 2}, ValidateCommand.evenlySpaced(3, 3));
    }

    @Test
    void theCheckpointMustFitTheModel() throws IOException {
        StateDict sd = Checkpoints.read(weights);
        StateDict partial = new StateDict();
        for (String key : sd.keys()) {
            if (!key.startsWith("classifier.")) {
                partial.put(key, sd.get(key));
            }
        }
        Path cut = tmp.resolve("no_head.pth");
        Checkpoints.write(cut, partial);
        Outcome o = CliRun.run("validate", data.toString(), "--config", config.toString(),
                "--checkpoint", cut.toString(), "--class-map", classMap.toString(), "--no-progress");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("checkpoint " + cut + ": state dict does not fit the model"), o.err());
        assertTrue(o.err().contains("classifier.3.weight"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }
}
