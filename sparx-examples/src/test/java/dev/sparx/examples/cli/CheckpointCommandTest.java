package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.FloatCast;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.examples.cli.CliRun.Outcome;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparx checkpoint inspect} and {@code convert}, run through the real command line. */
class CheckpointCommandTest {

    @TempDir
    Path dir;

    private static String fixture(String name) {
        try {
            return Path.of(CheckpointCommandTest.class.getResource("/checkpoint/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inspectListsEveryTensorThenTheTotals() {
        Outcome r = CliRun.run("checkpoint", "inspect", fixture("state_dict.pth"));
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.lines();
        assertEquals(17, lines.size(), r.out());
        assertEquals("conv.weight float32 [4, 3, 3, 3]", lines.get(0));
        assertTrue(lines.contains("half float16 [5, 7]"), r.out());
        assertTrue(lines.contains("int64_scalar int64 []"), r.out());
        assertTrue(lines.contains("empty float32 [0, 3]"), r.out());
        assertEquals("16 tensors, 319 elements", lines.get(16));
    }

    @Test
    void inspectSelectsEmaPrefixOrEverything() {
        Outcome ema = CliRun.run("checkpoint", "inspect", "--ema", fixture("timm_train_checkpoint.pth.tar"));
        assertEquals(List.of("conv.weight float32 [4, 3, 3, 3]", "conv.bias float32 [4]", "2 tensors, 112 elements"),
                ema.lines());
        Outcome stripped = CliRun.run("checkpoint", "inspect", "--strip-prefix", "module.", fixture("ddp_prefixed.pth"));
        assertEquals("conv.weight float32 [4, 3, 3, 3]", stripped.lines().get(0));
        Outcome all = CliRun.run("checkpoint", "inspect", "--all", fixture("timm_train_checkpoint.pth.tar"));
        assertTrue(all.lines().contains("optimizer.state.0.exp_avg float32 [4, 3, 3, 3]"), all.out());
        assertEquals("6 tensors, 333 elements", all.lines().get(6));
    }

    @Test
    void aBadFileFailsWithItsErrorOnStderr() {
        String bad = fixture("bad_short_storage.pth");
        Outcome r = CliRun.run("checkpoint", "inspect", bad);
        assertEquals(2, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: " + bad + ": storage record"), r.err());
        Outcome notCheckpoint = CliRun.run("checkpoint", "inspect", fixture("bad_not_a_checkpoint.pth"));
        assertEquals(2, notCheckpoint.status());
        assertTrue(notCheckpoint.err().contains("not a checkpoint"), notCheckpoint.err());
    }

    @Test
    void convertWritesABareStateDictInTheFormatOfTheExtension() {
        Path out = dir.resolve("ema.pth");
        Outcome r = CliRun.run("checkpoint", "convert", fixture("timm_train_checkpoint.pth.tar"), out.toString(), "--ema");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("wrote 2 tensors, 112 elements to " + out), r.out());
        StateDict expected = Checkpoints.read(Path.of(fixture("timm_train_checkpoint.pth.tar")),
                CheckpointOptions.DEFAULT.withEma(true));
        assertSameTensors(expected, Checkpoints.read(out));
    }

    @Test
    void convertCastsFloatingTensorsAndStripsPrefixes() {
        Path out = dir.resolve("half.safetensors");
        Outcome r = CliRun.run("checkpoint", "convert", fixture("ddp_prefixed.pth"), out.toString(),
                "--strip-prefix", "module.", "--dtype", "bfloat16");
        assertEquals(0, r.status(), r.err());
        StateDict source = Checkpoints.read(Path.of(fixture("state_dict.pth")));
        assertSameTensors(FloatCast.toFloating(source, DType.BFLOAT16), Checkpoints.read(out));
    }

    @Test
    void convertRefusesBadArgumentsAndWritesNothing() {
        Path out = dir.resolve("x.pth");
        Outcome dtype = CliRun.run("checkpoint", "convert", fixture("state_dict.pth"), out.toString(), "--dtype", "int8");
        assertEquals(2, dtype.status());
        assertTrue(dtype.err().contains("--dtype must be one of float16, bfloat16, float32"), dtype.err());
        Outcome ext = CliRun.run("checkpoint", "convert", fixture("state_dict.pth"), dir.resolve("x.onnx").toString());
        assertEquals(2, ext.status());
        assertTrue(ext.err().contains("cannot tell the checkpoint format"), ext.err());
        Outcome bad = CliRun.run("checkpoint", "convert", fixture("bad_short_storage.pth"), out.toString());
        assertEquals(2, bad.status());
        assertFalse(Files.exists(out));
    }

    private static void assertSameTensors(StateDict expected, StateDict actual) {
        assertEquals(List.copyOf(expected.keys()), List.copyOf(actual.keys()));
        for (Map.Entry<String, HostTensor> e : expected.asMap().entrySet()) {
            HostTensor a = actual.get(e.getKey());
            assertEquals(e.getValue().dtype(), a.dtype(), e.getKey());
            assertEquals(e.getValue().data(), a.data(), e.getKey());
        }
    }
}
