package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs crafted to break a reader: absurd nesting, shapes that would need more memory than exists,
 * storages shorter than their views, forbidden globals reached by every opcode that names one, and
 * malformed pickles. Each must end in a {@link CheckpointException} that says what was wrong.
 */
class HostileInputTest {

    private static final long[] SCALAR = {};

    @TempDir
    Path dir;

    private CheckpointException refused(PickleBytes pickle, Map<String, byte[]> storages, String expected)
            throws IOException {
        Path file = pickle.writeCheckpoint(dir.resolve("hostile.pth"), storages);
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(CheckpointException.class, () -> Checkpoints.read(file)));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }

    private static byte[] floats(int n) {
        return new byte[4 * n];
    }

    @Test
    void deeplyNestedMarksAreRefused() throws IOException {
        refused(new PickleBytes().repeat('(', 200_000).op('.'), Map.of(), "nests deeper than 1000 levels");
    }

    @Test
    void deeplyNestedTuplesAreRefused() throws IOException {
        refused(new PickleBytes().op(')').repeat(0x85, 200_000).op('.'), Map.of(),
                "nests tuples deeper than 1000 levels");
    }

    @Test
    void deeplyNestedListsEndInAnExceptionNotAStackOverflow() throws IOException {
        int depth = 200_000;
        PickleBytes p = new PickleBytes().op('}').str("x").repeat(']', depth).repeat('a', depth - 1).op('s');
        // and a list that contains itself
        p.str("loop").op(']', 'q', 0, 'h', 0, 'a', 's', '.');
        Path file = p.writeCheckpoint(dir.resolve("lists.pth"), Map.of());
        try (Checkpoint c = Checkpoints.open(file)) {
            CheckpointException e = assertThrows(CheckpointException.class, c::allTensors);
            assertTrue(e.getMessage().contains("nest deeper than 1000 levels"), e.getMessage());
            assertThrows(CheckpointException.class, c::stateDict);
        }
    }

    @Test
    void aSelfContainingListIsWalkedOnce() throws IOException {
        Path file = new PickleBytes().op('}').str("loop").op(']', 'q', 0, 'h', 0, 'a', 's', '.')
                .writeCheckpoint(dir.resolve("loop.pth"), Map.of());
        try (Checkpoint c = Checkpoints.open(file)) {
            assertEquals(Map.of(), c.allTensors());
            List<?> loop = assertInstanceOf(List.class, ((Map<?, ?>) c.root()).get("loop"));
            assertTrue(loop.get(0) == loop);
        }
    }

    @Test
    void aHugeDeclaredStorageIsRefusedBeforeAllocation() throws IOException {
        long numel = 1L << 40;
        PickleBytes p = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", numel, 0, new long[] {numel}, new long[] {1}).endStateDict();
        refused(p, Map.of("0", floats(4)), "holds 16 bytes, but the pickle declares 1099511627776 float32");
    }

    @Test
    void aStorageRecordClaimingMoreThanTheFileIsRefusedWhenOpened() throws IOException {
        long bytes = 0x7ffffff0L;
        PickleBytes p = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", bytes / 4, 0, new long[] {bytes / 4}, new long[] {1}).endStateDict();
        Path file = p.writeCheckpoint(dir.resolve("liar.pth"), Map.of("0", floats(2)));
        // make the central directory claim 2 GiB for the record, in both of its size fields
        byte[] zip = Files.readAllBytes(file);
        byte[] name = "archive/data/0".getBytes(StandardCharsets.US_ASCII);
        int header = lastIndexOf(zip, name) - 46;
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(header + 20, (int) bytes).putInt(header + 24, (int) bytes);
        Files.write(file, zip);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(file));
        assertTrue(e.getMessage().contains("lies outside the file"), e.getMessage());
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("not found");
    }

    @Test
    void aViewPastItsStorageIsRefused() throws IOException {
        PickleBytes p = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 4, 0, new long[] {1 << 20, 1 << 20}, new long[] {1, 1}).endStateDict();
        refused(p, Map.of("0", floats(4)), "the storage is shorter than the tensor");
        PickleBytes offset = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 4, 3, new long[] {2}, new long[] {1}).endStateDict();
        refused(offset, Map.of("0", floats(4)), "needs 20 bytes of its storage, which holds only 16");
    }

    @Test
    void shapesBeyond64BitArithmeticAreRefused() throws IOException {
        PickleBytes p = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 4, 0, new long[] {1L << 62, 1L << 62}, new long[] {0, 0})
                .endStateDict();
        refused(p, Map.of("0", floats(4)), "beyond 64-bit arithmetic");
    }

    @Test
    void aTensorBeyondOneBufferIsRefused() throws IOException {
        PickleBytes p = new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 1, 0, new long[] {1L << 30}, new long[] {0}).endStateDict();
        refused(p, Map.of("0", floats(1)), "more than one Java buffer holds");
    }

    @Test
    void zeroStrideExpansionBeyondTheFileIsRefusedBeforeAllocation() throws IOException {
        PickleBytes p = new PickleBytes().beginStateDict();
        for (int i = 0; i < 40; i++) {
            p.str("w" + i).tensor("FloatStorage", "0", 1, 0, new long[] {1 << 28}, new long[] {0});
        }
        p.endStateDict();
        Path file = p.writeCheckpoint(dir.resolve("expand.pth"), Map.of("0", floats(1)));
        try (Checkpoint c = Checkpoints.open(file)) {
            assertEquals(40, c.stateDictTensors(CheckpointOptions.DEFAULT).size());
            CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(CheckpointException.class, c::stateDict));
            assertTrue(e.getMessage().contains("refusing to expand them"), e.getMessage());
        }
    }

    @Test
    void negativeSizesStridesAndOffsetsAreRefused() throws IOException {
        refused(new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 4, 0, new long[] {-1}, new long[] {1}).endStateDict(),
                Map.of("0", floats(4)), "negative size or stride");
        refused(new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "0", 4, -2, new long[] {1}, new long[] {1}).endStateDict(),
                Map.of("0", floats(4)), "negative storage offset");
    }

    @Test
    void storagesMustExistAndBeDeclaredConsistently() throws IOException {
        refused(new PickleBytes().beginStateDict().str("w")
                .tensor("FloatStorage", "7", 1, 0, SCALAR, SCALAR).endStateDict(),
                Map.of(), "refers to storage record 'archive/data/7', which the archive lacks");
        refused(new PickleBytes().beginStateDict()
                .str("a").tensor("FloatStorage", "0", 2, 0, SCALAR, SCALAR)
                .str("b").tensor("HalfStorage", "0", 4, 0, SCALAR, SCALAR).endStateDict(),
                Map.of("0", floats(2)), "is declared as 2 float32 and again as 4 float16");
    }

    @Test
    void forbiddenGlobalsAreRefusedWhicheverOpcodeNamesThem() throws IOException {
        refused(new PickleBytes().global("os", "system").str("true").op(0x85, 'R', '.'), Map.of(),
                "'os.system', which is not on the allowlist");
        refused(new PickleBytes().op(0x8c, 8).text("builtins").op(0x8c, 4).text("eval").op(0x93, '.'), Map.of(),
                "'builtins.eval'");
        refused(new PickleBytes().global("__builtin__", "exec").op('.'), Map.of(), "'builtins.exec'");
        refused(new PickleBytes().op('(').str("id").text("iposix\nsystem\n").op('.'), Map.of(), "'posix.system'");
        refused(new PickleBytes().global("torch", "load").op('.'), Map.of(), "'torch.load'");
        refused(new PickleBytes().global("torch._utils", "_rebuild_qtensor").op('.'), Map.of(),
                "quantized");
    }

    @Test
    void allowedGlobalsCannotBeMisused() throws IOException {
        refused(new PickleBytes().global("torch", "FloatStorage").op(')', 'R', '.'), Map.of(),
                "which a checkpoint only names, never calls");
        refused(new PickleBytes().op(')', '}', 'b', '.'), Map.of(), "sets the state of a tuple");
        refused(new PickleBytes().global("torch._tensor", "_rebuild_from_type_v2").op('(')
                .global("_codecs", "encode").global("torch", "Tensor").op(')', '}', 't', 'R', '.'),
                Map.of(), "may only apply a tensor rebuild function");
    }

    @Test
    void malformedPicklesNameTheProblem() throws IOException {
        refused(new PickleBytes().op(0xff), Map.of(), "unknown pickle opcode 0xff");
        refused(new PickleBytes().op('X').u32(0xffffffffL), Map.of(), "the pickle ends inside a str");
        refused(new PickleBytes().op(']'), Map.of(), "the pickle ends inside an opcode");
        refused(new PickleBytes().op('h', 9, '.'), Map.of(), "memo entry 9, which was never stored");
        refused(new PickleBytes().op('.'), Map.of(), "pops from an empty stack");
        refused(new PickleBytes().op('}', ']', ']', 's', '.'), Map.of(), "uses a list as a dict key");
        refused(new PickleBytes().op(0x80, 6), Map.of(), "unsupported pickle protocol 6");
        refused(new PickleBytes().op('L').text("9".repeat(5000) + "L\n").op('.'), Map.of(),
                "a decimal int of 5000 digits");
        refused(new PickleBytes().op(0x8b).u32(0x7fffffff), Map.of(), "the pickle ends inside a long");
    }

    @Test
    void protocolZeroTextOpcodesAreRead() throws IOException {
        Path file = new PickleBytes()
                .text("(dp0\nVna\\u00efve\np1\nI42\nsS'it\\'s\\n'\np2\nL123456789012345678901234567890L\n")
                .text("sI01\nF-inf\nsVlist\n(g1\nI2\nlp3\ns.")
                .writeCheckpoint(dir.resolve("proto0.pth"), Map.of());
        try (Checkpoint c = Checkpoints.open(file)) {
            Map<?, ?> root = (Map<?, ?>) c.root();
            assertEquals(42L, root.get("naïve"));
            assertEquals(new BigInteger("123456789012345678901234567890"), root.get("it's\n"));
            assertEquals(Double.NEGATIVE_INFINITY, root.get(true));
            assertEquals(List.of("naïve", 2L), root.get("list"));
        }
    }

    @Test
    void torchScriptArchivesAreNamedAsSuch() throws IOException {
        refused(new PickleBytes().op('}', '.'), Map.of("archive/constants.pkl", new byte[] {'.'}),
                "TorchScript archive");
    }

    @Test
    void aNonTensorInsideTheStateDictIsNamed() throws IOException {
        refused(new PickleBytes().op('}').str("state_dict").op('}').str("step").integer(3).op('s', 's', '.'),
                Map.of(), "entry 'step' of the state dict at 'state_dict' is a int, not a tensor");
    }
}
