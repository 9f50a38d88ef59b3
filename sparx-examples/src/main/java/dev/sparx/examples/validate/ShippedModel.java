package dev.sparx.examples.validate;

import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.models.SparXConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model the project ships for working offline: a SparX-Mamba trained on Fashion-MNIST, whose
 * configuration and weights are class-path resources of this module,
 * {@code dev/sparx/examples/shipped/fashion_mnist.json} (the {@code SparXConfig} JSON form) and
 * {@code dev/sparx/examples/shipped/fashion_mnist.safetensors} (its state dict). {@code sparx
 * validate} without arguments validates it on Fashion-MNIST's test split; this class is the one
 * place that knows where it is.
 */
public final class ShippedModel {

    /** The model's name in reports. */
    public static final String NAME = "sparx_fashion_mnist";

    private static final String CONFIG = "shipped/fashion_mnist.json";
    private static final String WEIGHTS = "shipped/fashion_mnist.safetensors";

    private ShippedModel() {}

    /** @return whether this build includes the model */
    public static boolean isAvailable() {
        return resource(CONFIG) != null && resource(WEIGHTS) != null;
    }

    /**
     * The model's configuration.
     *
     * @return it
     * @throws SparxException if this build does not include the model
     */
    public static SparXConfig config() {
        try (InputStream in = open(CONFIG)) {
            return SparXConfig.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SparxException("cannot read the shipped model's configuration: " + e.getMessage(), e);
        }
    }

    /**
     * The model's weights.
     *
     * @return its state dict
     * @throws SparxException if this build does not include the model
     */
    public static StateDict weights() {
        try (InputStream in = open(WEIGHTS)) {
            // the checkpoint reader maps files; a resource inside a jar is copied out first
            Path tmp = Files.createTempFile("sparx-shipped-", ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return Checkpoints.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new SparxException("cannot read the shipped model's weights: " + e.getMessage(), e);
        }
    }

    private static URL resource(String name) {
        return ShippedModel.class.getResource("/dev/sparx/examples/" + name);
    }

    private static InputStream open(String name) throws IOException {
        URL url = resource(name);
        if (url == null) {
            throw new SparxException("this build does not include the shipped Fashion-MNIST model (class-path"
                    + " resource dev/sparx/examples/" + name + " is missing); give DATA_DIR, --model or --config,"
                    + " and --checkpoint or --pretrained (see 'sparx validate --help')");
        }
        return url.openStream();
    }
}
