package dev.sparx.models.zoo;

import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonParser;
import ai.djl.engine.Engine;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.Interpolation;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.models.ImageNetClasses;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import dev.sparx.core.tensor.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The golden tiny_t case (T's structure at small width, 1000 classes, weights from the authors'
 * model) loaded through the zoo as a custom configuration, and the test images.
 */
final class TinyZoo {

    /** The test images: an RGB JPEG, an RGB PNG, a 32x32 PNG (upscaled), a gray + alpha PNG. */
    static final List<String> IMAGES = List.of("kitten.jpg", "fox.png", "airplane1.png", "la.png");

    private TinyZoo() {}

    static Path resource(String name) {
        URL url = TinyZoo.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path image(String name) {
        return resource("/images/" + name);
    }

    static Path weights() {
        return resource("/golden/tiny_t/weights.pth");
    }

    static HostTensor golden(String file) {
        return Npy.read(resource("/golden/tiny_t/" + file));
    }

    /** @return tiny_t's configuration, written as a config file into the folder */
    static Path configFile(Path dir) {
        try {
            String caseJson = Files.readString(resource("/golden/tiny_t/case.json"));
            Path file = dir.resolve("tiny_t.json");
            Files.writeString(file, JsonParser.parseString(caseJson).getAsJsonObject().get("config").toString());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a micro network (one or two blocks per stage, cross layers in stages 2 to 4, widths 8
     * and 16, 1000 classes) with random weights: its checkpoint and its config file.
     *
     * @return {checkpoint, config}
     */
    static Path[] microModel(Path dir) {
        SparXConfig config = SparXConfig.builder().setDepths(1, 1, 2, 1).setDims(8, 16, 16, 16)
                .setStemType(SparXConfig.StemType.V1).setDenseStep(1, 1, 1, 1).setDenseStart(100, 0, 0, 0)
                .setMaxDenseDepth(100, 100, 100, 100).setSrRatio(8, 4, 2, 1).build();
        SparXMamba net = SparXMamba.builder().setConfig(config).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Path weights = dir.resolve("micro.pth");
            Checkpoints.write(weights, StateDictLoader.export(net));
            Path json = dir.resolve("micro.json");
            Files.writeString(json, config.toJson());
            return new Path[] {weights, json};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return criteria for tiny_t through the zoo's custom artifact */
    static <I, O> Criteria.Builder<I, O> criteria(Class<I> input, Class<O> output, Path dir) {
        return Criteria.builder()
                .setTypes(input, output)
                .optArtifactId(SparXModelZoo.GROUP_ID + ":" + SparXModelZoo.CUSTOM)
                .optArgument(SparXModelZoo.CHECKPOINT, weights())
                .optArgument(SparXModelZoo.CONFIG, configFile(dir));
    }

    /**
     * A translator at 32 x 32 instead of 224 x 224, giving logits: the same path through the
     * predictor at less cost, for tests that predict hundreds of times.
     */
    static <I> SparXClassificationTranslator<I> smallLogitsTranslator() {
        return logitsTranslator(32);
    }

    static <I> SparXClassificationTranslator<I> logitsTranslator(int size) {
        return new SparXClassificationTranslator<>(
                EvalTransform.imagenet(size, 0.9, Interpolation.BICUBIC), ImageNetClasses.names(), false, 5);
    }

    /** @return criteria for tiny_t classifying files */
    static Criteria.Builder<Path, Classifications> classifier(Path dir) {
        return criteria(Path.class, Classifications.class, dir);
    }

    static <I, O> ZooModel<I, O> load(Criteria.Builder<I, O> criteria) {
        try {
            return criteria.build().loadModel();
        } catch (IOException | ModelNotFoundException | ai.djl.MalformedModelException e) {
            throw new IllegalStateException(e);
        }
    }
}
