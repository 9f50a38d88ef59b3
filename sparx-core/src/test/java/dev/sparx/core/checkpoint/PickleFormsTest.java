package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.tensor.DType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void legacyStorageViewsAndKeyOrderAreFollowed(@TempDir Path dir) throws IOException {
        // two storages listed in the key list in the opposite order of their first use, and a
        // pre-0.4 storage view ('view', offset 2, size 3) of the first
        String rebuild = "_rebuild_tensor_v2";
        byte[] main = new PickleBytes().beginStateDict()
                .str("view").global("torch._utils", rebuild).op('(').storageId("FloatStorage", "a", 6)
                .op('(').str("view").integer(2).integer(3).op('t', 't', 'Q').rebuildArgs(0, new long[] {3}, new long[] {1})
                .str("whole").global("torch._utils", rebuild).op('(').storageId("FloatStorage", "a", 6)
                .op('N', 't', 'Q').rebuildArgs(0, new long[] {6}, new long[] {1})
                .str("ints").global("torch._utils", rebuild).op('(').storageId("LongStorage", "b", 1)
                .op('N', 't', 'Q').rebuildArgs(0, new long[0], new long[0])
                .endStateDict().bytes();
        ByteBuffer file = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        // torch's legacy magic number 0x1950a86a20f9469cfc6c as LONG1, then protocol 1001 and system info
        file.put(new PickleBytes().op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.').bytes());
        file.put(new PickleBytes().op('M', 0xe9, 0x03, '.').bytes());
        file.put(new PickleBytes().op('}').str("little_endian").op(0x88, 's', '.').bytes());
        file.put(main);
        file.put(new PickleBytes().op('(').str("b").str("a").op('l', '.').bytes());
        file.putLong(1).putLong(-7);
        file.putLong(6);
        for (int i = 0; i < 6; i++) {
            file.putFloat(i * 1.5f);
        }
        Path path = dir.resolve("legacy.pth");
        Files.write(path, Arrays.copyOf(file.array(), file.position()));
        StateDict sd = Checkpoints.read(path);
        assertArrayEquals(new float[] {3f, 4.5f, 6f}, sd.get("view").toFloatArray());
        assertArrayEquals(new float[] {0f, 1.5f, 3f, 4.5f, 6f, 7.5f}, sd.get("whole").toFloatArray());
        assertArrayEquals(new long[] {-7}, sd.get("ints").toLongArray());
    }

    @Test
    void untypedStoragesAreTypedByTheRebuildCall(@TempDir Path dir) throws IOException {
        PickleBytes p = new PickleBytes().beginStateDict().str("x")
                .global("torch._utils", "_rebuild_tensor_v3").op('(').storageId("UntypedStorage", "0", 8).op('t', 'Q')
                .integer(1).ints(1).ints(1).op(0x89).global("collections", "OrderedDict").op(')', 'R')
                .global("torch", "float32").op('t', 'R').endStateDict();
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-2f).array();
        StateDict sd = Checkpoints.read(p.writeCheckpoint(dir.resolve("v3.pth"), Map.of("0", data)));
        assertEquals(DType.FLOAT32, sd.get("x").dtype());
        assertArrayEquals(new float[] {-2f}, sd.get("x").toFloatArray());
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
