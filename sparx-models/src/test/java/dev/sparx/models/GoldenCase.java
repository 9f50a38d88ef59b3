package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One of the golden cases copied into the test resources (tiny_t, tiny_s, tiny_b). */
public final class GoldenCase {

    final String name;
    final Path dir;

    GoldenCase(String name) {
        this.name = name;
        try {
            dir = Path.of(GoldenCase.class.getResource("/golden/" + name + "/case.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the {@code config} object of case.json as JSON text */
    String configJson() throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject().get("config")
                .toString();
    }

    SparXConfig config() throws IOException {
        return SparXConfig.fromJson(configJson());
    }

    StateDict weights() {
        return Checkpoints.read(dir.resolve("weights.pth"));
    }

    HostTensor array(String file) {
        return Npy.read(dir.resolve(file));
    }

    Map<String, HostTensor> arrays(String file) {
        return Npy.readNpz(dir.resolve(file));
    }

    /** @return the network of this case, initialised for its input and loaded with its weights */
    SparXMamba network(NDManager manager) throws IOException {
        SparXMamba net = SparXMamba.builder().setConfig(config()).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(array("input.npy").shape()));
        StateDictLoader.load(net, weights());
        return net;
    }

    static double relativeL2(NDArray actual, HostTensor expected) {
        return relativeL2(actual.toFloatArray(), expected.toFloatArray());
    }

    public static double relativeL2(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError(actual.length + " values, expected " + expected.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = (double) actual[i] - expected[i];
            num += e * e;
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }
}
