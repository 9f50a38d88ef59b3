package dev.sparx.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A SparX-Mamba small enough for tests that run whole programs: widths 8 to 16, one or two blocks per
 * stage with cross layers in stages 2 to 4, an ImageNet-sized head, seeded random weights written as
 * a {@code .pth} file next to its config file.
 *
 * @param checkpoint the weights
 * @param config the config file
 */
public record MicroSparx(Path checkpoint, Path config) {

    /**
     * Writes the model into a folder.
     *
     * @param dir where {@code micro.pth} and {@code micro.json} go
     * @return their paths
     */
    public static MicroSparx write(Path dir) {
        SparXConfig config = SparXConfig.builder().setDepths(1, 1, 2, 1).setDims(8, 16, 16, 16)
                .setStemType(SparXConfig.StemType.V2).setDenseStep(1, 1, 1, 1).setDenseStart(100, 0, 0, 0)
                .setMaxDenseDepth(100, 100, 100, 100).setSrRatio(8, 4, 2, 1).optCropPct(0.95).build();
        SparXMamba net = SparXMamba.builder().setConfig(config).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            MicroSparx m = new MicroSparx(dir.resolve("micro.pth"), dir.resolve("micro.json"));
            Checkpoints.write(m.checkpoint(), StateDictLoader.export(net));
            Files.writeString(m.config(), config.toJson());
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a file under the test resources' {@code images/}
     * @return its path
     */
    public static Path image(String name) {
        try {
            return Path.of(MicroSparx.class.getResource("/images/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource /images/" + name, e);
        }
    }
}
