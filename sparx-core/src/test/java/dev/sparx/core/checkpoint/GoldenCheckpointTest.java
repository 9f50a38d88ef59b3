package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every file of the shared golden {@code pth} set: the good ones match torch, the bad ones are refused. */
class GoldenCheckpointTest {

    private static Map<String, JsonObject> expectedJson() throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(Fixtures.file("golden/expected.json")))
                .getAsJsonObject();
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            out.put(e.getKey(), e.getValue().getAsJsonObject());
        }
        return out;
    }

    private static Map<String, DType> expectedDTypes() throws IOException {
        Map<String, DType> out = new LinkedHashMap<>();
        expectedJson().forEach((k, v) -> out.put(k, DType.fromName(v.get("dtype").getAsString())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"state_dict.pth", "state_dict_torch2_records.pth", "state_dict_legacy.pth"})
    void stateDictMatchesTorch(String name) throws IOException {
        StateDict sd = Checkpoints.read(Fixtures.file("golden/" + name));
        for (Map.Entry<String, JsonObject> e : expectedJson().entrySet()) {
            long[] shape = new Gson().fromJson(e.getValue().get("shape"), long[].class);
            assertArrayEquals(shape, sd.get(e.getKey()).shape(), e.getKey());
        }
        Fixtures.assertStateDict(Fixtures.npz("golden/expected.npz"), sd, expectedDTypes());
    }

    @Test
    void formatsAreRecognised() {
        try (Checkpoint zip = Checkpoints.open(Fixtures.file("golden/state_dict.pth"));
                Checkpoint legacy = Checkpoints.open(Fixtures.file("golden/state_dict_legacy.pth"))) {
            assertEquals(CheckpointFormat.PTH_ZIP, zip.format());
            assertEquals(CheckpointFormat.PTH_LEGACY, legacy.format());
        }
    }

    @Test
    void viewsAreBuiltFromTheirStorages() {
        try (Checkpoint c = Checkpoints.open(Fixtures.file("golden/state_dict.pth"))) {
            Map<String, StoredTensor> views = c.stateDictTensors(CheckpointOptions.DEFAULT);
            assertTrue(!views.get("transposed_view").isContiguous());
            assertTrue(views.get("sliced_view").storageOffset() > 0);
            assertEquals(views.get("shared_a").storageName(), views.get("shared_b").storageName());
            assertArrayEquals(new long[] {1, 0}, views.get("expanded").stride());
        }
    }

    @Test
    void modulePrefixIsStrippedOnRequest() throws IOException {
        Path ddp = Fixtures.file("golden/ddp_prefixed.pth");
        assertTrue(Checkpoints.read(ddp).keys().stream().allMatch(k -> k.startsWith("module.")));
        StateDict sd = Checkpoints.read(ddp, CheckpointOptions.DEFAULT.withStripPrefix("module."));
        Fixtures.assertStateDict(Fixtures.npz("golden/expected.npz"), sd, expectedDTypes());
    }

    @Test
    void modelKeyIsFound() throws IOException {
        StateDict sd = Checkpoints.read(Fixtures.file("golden/model_key.pth"));
        Map<String, HostTensor> expected = Fixtures.npz("golden/expected.npz").entrySet().stream()
                .filter(e -> e.getKey().startsWith("conv."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        Fixtures.assertStateDict(expected, sd, null);
    }

    @Test
    void timmTrainingCheckpointGivesPlainOrEmaWeights() {
        Path file = Fixtures.file("golden/timm_train_checkpoint.pth.tar");
        StateDict plain = Checkpoints.read(file);
        Map<String, HostTensor> expected = Fixtures.npz("golden/expected.npz");
        assertEquals(List.of("conv.weight", "conv.bias"), plain.keys().stream().toList());
        Fixtures.assertSameValues("conv.bias", expected.get("conv.bias"), plain.get("conv.bias"));
        StateDict ema = Checkpoints.read(file, CheckpointOptions.DEFAULT.withEma(true));
        Fixtures.assertStateDict(Fixtures.npz("generated/timm_ema_expected.npz"), ema, null);
    }

    @Test
    void timmTrainingCheckpointKeepsItsRecords() {
        try (Checkpoint c = Checkpoints.open(Fixtures.file("golden/timm_train_checkpoint.pth.tar"))) {
            Map<?, ?> root = assertInstanceOf(Map.class, c.root());
            assertEquals(299L, root.get("epoch"));
            assertEquals("sparx_mamba_t", root.get("arch"));
            assertEquals(83.5, root.get("metric"));
            PyObject args = assertInstanceOf(PyObject.class, root.get("args"));
            assertEquals("argparse.Namespace", args.className());
            Map<?, ?> fields = assertInstanceOf(Map.class, args.state());
            assertEquals(0.004, fields.get("lr"));
            assertEquals(300L, fields.get("epochs"));
            assertTrue(fields.containsKey("aa") && fields.get("aa") == null);
            assertEquals(
                    List.of("state_dict.conv.weight", "state_dict.conv.bias", "optimizer.state.0.step",
                            "optimizer.state.0.exp_avg", "state_dict_ema.conv.weight", "state_dict_ema.conv.bias"),
                    c.allTensors().keySet().stream().toList());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bad_forbidden_global.pth | 'posix.system', which is not on the allowlist",
        "bad_truncated.pth | truncated",
        "bad_empty.pth | the file is empty",
        "bad_not_a_checkpoint.pth | not a checkpoint: it starts with \"<html>404",
        "bad_short_storage.pth | holds 144 bytes, but the pickle declares 108 float32 elements"
    })
    void badFilesAreRefusedWithTheirProblem(String name, String problem) {
        Path file = Fixtures.file("golden/" + name);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = Path.of("no/such/checkpoint.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(missing));
        assertTrue(e.getMessage().contains("no/such/checkpoint.pth does not exist"), e.getMessage());
    }
}
