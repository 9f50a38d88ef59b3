package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writing a state dict and reading it back gives identical tensors, in both formats. */
class RoundTripTest {

    @TempDir
    Path dir;

    /** Every dtype, a scalar, an empty tensor, special float bit patterns and a tensor of 100k elements. */
    static StateDict everyDType() {
        Random rnd = new Random(11);
        StateDict sd = new StateDict();
        for (DType t : DType.values()) {
            long[] shape = {3, 5};
            byte[] bytes = new byte[15 * t.byteSize()];
            rnd.nextBytes(bytes);
            if (t == DType.BOOL) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] &= 1;
                }
            }
            sd.put("layer." + t.displayName(), new HostTensor(t, shape, ByteBuffer.wrap(bytes)));
        }
        ByteBuffer specials = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0.0f, Float.MIN_VALUE, -1e38f, 1}) {
            specials.putFloat(f);
        }
        sd.put("specials", new HostTensor(DType.FLOAT32, new long[] {6}, specials.flip()));
        sd.put("scalar", new HostTensor(DType.INT64, new long[0], ByteBuffer.allocate(8).putLong(0, 42)));
        sd.put("empty", new HostTensor(DType.FLOAT16, new long[] {0, 4}, ByteBuffer.allocate(0)));
        float[] big = new float[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        sd.put("big", HostTensor.ofFloats(new long[] {100, 1000}, big));
        return sd;
    }

    private static void assertSame(StateDict expected, StateDict actual) {
        assertEquals(expected.keys().stream().toList(), actual.keys().stream().toList());
        for (Map.Entry<String, HostTensor> e : expected.asMap().entrySet()) {
            Fixtures.assertIdentical(e.getKey(), e.getValue(), actual.get(e.getKey()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"out.pth", "out.pt", "out.bin", "out.safetensors"})
    void everyDTypeSurvivesTheRoundTrip(String name) {
        StateDict sd = everyDType();
        Path file = dir.resolve(name);
        Checkpoints.write(file, sd);
        assertSame(sd, Checkpoints.read(file));
    }

    @Test
    void viewsAreWrittenAsContiguousTensors() {
        StateDict golden = Checkpoints.read(Fixtures.file("golden/state_dict.pth"));
        for (String name : List.of("a.pth", "a.safetensors")) {
            Path file = dir.resolve(name);
            Checkpoints.write(file, golden);
            assertSame(golden, Checkpoints.read(file));
        }
    }

    @Test
    void safetensorsWhoseHeaderLengthStartsWithThePickleProtoByteIsReadAsSafetensors() throws IOException {
        // a header of 0x80 bytes makes the file start with 0x80, the byte legacy pickles start with
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        String header = json + " ".repeat(0x80 - json.length());
        ByteBuffer file = ByteBuffer.allocate(8 + 0x80 + 4).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(0x80).put(header.getBytes(StandardCharsets.US_ASCII)).putFloat(2.5f);
        Path path = dir.resolve("proto_byte.safetensors");
        Files.write(path, file.array());
        StateDict sd = Checkpoints.read(path);
        assertArrayEquals(new float[] {2.5f}, sd.get("w").toFloatArray());
    }

    @Test
    void zip64RecordsAreWrittenAndRead() {
        StateDict sd = everyDType();
        Path file = dir.resolve("zip64.pth");
        PthWriter.write(file, sd, true);
        assertSame(sd, Checkpoints.read(file));
    }

    @Test
    void pthStoragesStartOn64ByteBoundaries() {
        Path file = dir.resolve("aligned.pth");
        Checkpoints.write(file, everyDType());
        try (CheckpointFile f = CheckpointFile.open(file)) {
            ZipArchive zip = ZipArchive.open(f);
            assertEquals("archive/data.pkl", zip.entries().keySet().iterator().next());
            for (ZipArchive.Entry e : zip.entries().values()) {
                assertEquals(0, zip.dataOffset(e) % ZipWriter.ALIGNMENT, e.name());
                assertEquals(ZipArchive.STORED, e.method(), e.name());
            }
            assertTrue(zip.entries().containsKey("archive/version"));
            assertTrue(zip.entries().containsKey("archive/byteorder"));
        }
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("replace.safetensors");
        Files.writeString(file, "old content");
        Checkpoints.write(file, everyDType());
        assertSame(everyDType(), Checkpoints.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void unwritablePlacesAndUnknownExtensionsAreRefused() {
        CheckpointException missingDir = assertThrows(CheckpointException.class,
                () -> Checkpoints.write(dir.resolve("no/such/dir/x.pth"), everyDType()));
        assertTrue(missingDir.getMessage().contains("no/such/dir/x.pth"), missingDir.getMessage());
        CheckpointException ext = assertThrows(CheckpointException.class,
                () -> Checkpoints.write(dir.resolve("x.onnx"), everyDType()));
        assertTrue(ext.getMessage().contains("use .pth, .pt or .bin (torch) or .safetensors"), ext.getMessage());
    }
}
