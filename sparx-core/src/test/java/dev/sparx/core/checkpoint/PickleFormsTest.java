package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pickle protocols, rebuild functions and Python values torch checkpoints use beyond the golden
 * set, from files torch 1.13 wrote ({@code src/test/python/make_checkpoint_fixtures.py}).
 */
class PickleFormsTest {

    @ParameterizedTest
    @ValueSource(strings = {"small_proto1.pth", "small_proto4.pth", "small_legacy_proto4.pth", "small.safetensors"})
    void everyProtocolAndFormatGivesTheSameStateDict(String name) {
        StateDict sd = Checkpoints.read(Fixtures.file("generated/" + name));
        Fixtures.assertStateDict(Fixtures.npz("generated/small_expected.npz"), sd, null);
    }

    @Test
    void safetensorsMetadataIsKept() {
        try (Checkpoint c = Checkpoints.open(Fixtures.file("generated/small.safetensors"))) {
            assertEquals(CheckpointFormat.SAFETENSORS, c.format());
            assertEquals("pt", c.metadata().get("format"));
            assertEquals("make_checkpoint_fixtures.py", c.metadata().get("source"));
        }
    }

    @Test
    void deflatedArchiveIsRead() {
        StateDict sd = Checkpoints.read(Fixtures.file("generated/state_dict_deflated.pth"));
        Fixtures.assertStateDict(Fixtures.npz("golden/expected.npz"), sd, null);
    }

    @Test
    void bigEndianDataIsRefused() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.read(Fixtures.file("generated/big_endian.pth")));
        assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
    }

    @Test
    void pythonValuesBecomeJavaValues() {
        try (Checkpoint c = Checkpoints.open(Fixtures.file("generated/objects.pth"))) {
            Map<?, ?> root = assertInstanceOf(Map.class, c.root());
            Map<String, StoredTensor> tensors = c.allTensors();
            assertEquals(List.of("param", "tagged"), tensors.keySet().stream().toList());
            assertArrayEquals(new long[] {3, 4}, tensors.get("param").shape());
            assertArrayEquals(new long[] {-3, -2, -1, 0, 1, 2}, tensors.get("tagged").load().toLongArray());
            assertArrayEquals(new byte[] {0, (byte) 0xff, 'a', 'b'}, (byte[]) root.get("bytes"));
            assertEquals(Set.of(1L, 2L, 3L), root.get("set"));
            assertEquals(Set.of("a"), root.get("frozen"));
            assertEquals(new PyTuple(List.of(2L, 3L)), root.get("size"));
            PyObject device = assertInstanceOf(PyObject.class, root.get("device"));
            assertEquals("torch.device", device.className());
            assertEquals("cpu", device.args().get(0));
            assertEquals(0.25, root.get("np_float"));
            assertEquals(-5L, root.get("np_int"));
            assertTrue(root.containsKey("none"));
            assertNull(root.get("none"));
            assertEquals(1.5, root.get("float"));
            assertEquals(BigInteger.TWO.pow(80), root.get("big"));
            List<?> nested = assertInstanceOf(List.class, root.get("nested"));
            assertEquals(1L, nested.get(0));
            assertEquals(new PyTuple(List.of(2L, "three")), nested.get(1));
            assertEquals(Map.of("k", List.of(4.0)), nested.get(2));
            assertEquals("naïve ☃", root.get("text"));
        }
    }

    @Test
    void aDictWithoutStateDictNamesItsKeys() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.read(Fixtures.file("generated/objects.pth")));
        assertTrue(e.getMessage().contains("no state dict found: the top-level keys are [param, tagged"),
                e.getMessage());
    }

    @Test
    void emaOnAPlainStateDictSaysWhatIsThere() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(
                Fixtures.file("golden/state_dict.pth"), CheckpointOptions.DEFAULT.withEma(true)));
        assertTrue(e.getMessage().contains("EMA weights were asked for"), e.getMessage());
    }
}
