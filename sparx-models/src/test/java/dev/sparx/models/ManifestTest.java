package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full-size variants build exactly the released checkpoints' keys, shapes and counts (parameters,
 * entries, elements, multiply-accumulates at 224x224).
 */
class ManifestTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ManifestTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String describe(Shape s) {
        return s.dimension() == 0
                ? "scalar"
                : java.util.Arrays.stream(s.getShape()).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparx_mamba_t", "sparx_mamba_s", "sparx_mamba_b"})
    void keysShapesAndCountsEqualTheManifest(String variant) throws IOException {
        List<String> expected = new ArrayList<>();
        for (String line : resource("/manifests/" + variant + ".tsv").split("\n")) {
            String[] f = line.split("\t");
            if (!f[0].equals("key")) {
                expected.add(f[0] + "\t" + f[1] + "\t" + f[2]);
            }
        }
        JsonObject counts = JsonParser.parseString(resource("/manifests/counts.json")).getAsJsonObject()
                .getAsJsonObject(variant);

        SparXMamba net = SparXMamba.builder().setConfig(SparXConfig.variant(variant)).build();
        // only shapes matter here: zeros are the cheapest values to allocate
        net.setInitializer(Initializer.ZEROS, p -> p.getType() != Parameter.Type.OTHER);
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            List<String> actual = new ArrayList<>();
            long parameters = 0;
            long elements = 0;
            for (Map.Entry<String, Parameter> e : StateDictKeys.of(net).entrySet()) {
                Parameter p = e.getValue();
                String dtype = p.getArray().getDataType() == DataType.INT64 ? "int64" : "float32";
                actual.add(e.getKey() + "\t" + describe(p.getShape()) + "\t" + dtype);
                elements += p.getShape().size();
                if (p.requiresGradient()) {
                    parameters += p.getShape().size();
                }
            }
            assertEquals(String.join("\n", expected), String.join("\n", actual));
            assertEquals(counts.get("state_dict_entries").getAsInt(), actual.size());
            assertEquals(counts.get("state_dict_elements").getAsLong(), elements);
            assertEquals(counts.get("parameters").getAsLong(), parameters);
            assertEquals(counts.get("macs_224").getAsLong(), Complexity.macs(net));
        }
    }
}
