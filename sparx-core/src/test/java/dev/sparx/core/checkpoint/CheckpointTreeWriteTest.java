package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.tensor.HostTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training checkpoint (a dict of Python values around state dicts) written and read back. */
class CheckpointTreeWriteTest {

    @TempDir Path dir;

    @Test
    void nestedValuesRoundTrip() {
        StateDict model = new StateDict();
        model.put("fc.weight", HostTensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        model.put("fc.bias", HostTensor.ofFloats(new long[] {2}, new float[] {-1, 0.5f}));
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put(0L, Map.of("exp_avg", HostTensor.ofFloats(new long[] {2}, new float[] {7, 8})));
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("epoch", 3);
        ckpt.put("big", 1L << 40);
        ckpt.put("lr", 1.25e-3);
        ckpt.put("arch", "sparx_mamba_t");
        ckpt.put("state_dict", model);
        ckpt.put("optimizer", Map.of("state", state, "param_groups",
                List.of(Map.of("betas", new PyTuple(List.of(0.9, 0.999)), "params", List.of(0, 1)))));
        ckpt.put("empty", List.of());
        ckpt.put("none", null);
        ckpt.put("flag", true);
        Path file = dir.resolve("train.pth");
        Checkpoints.write(file, ckpt);

        try (Checkpoint c = Checkpoints.open(file)) {
            Map<?, ?> root = (Map<?, ?>) c.root();
            assertEquals(List.copyOf(ckpt.keySet()), List.copyOf(root.keySet()));
            assertEquals(3L, root.get("epoch"));
            assertEquals(1L << 40, root.get("big"));
            assertEquals(1.25e-3, root.get("lr"));
            assertEquals("sparx_mamba_t", root.get("arch"));
            assertEquals(List.of(), root.get("empty"));
            assertNull(root.get("none"));
            assertEquals(Boolean.TRUE, root.get("flag"));
            Map<?, ?> opt = (Map<?, ?>) root.get("optimizer");
            Map<?, ?> group = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
            assertEquals(new PyTuple(List.of(0.9, 0.999)), group.get("betas"));
            assertEquals(List.of(0L, 1L), group.get("params"));
            StoredTensor avg = (StoredTensor) ((Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L)).get("exp_avg");
            assertArrayEquals(new float[] {7, 8}, avg.load().toFloatArray());
            // the model's state dict is found under 'state_dict', as timm's loader looks for it
            StateDict back = c.stateDict();
            assertEquals(model.keys(), back.keys());
            assertArrayEquals(new float[] {1, 2, 3, 4}, back.get("fc.weight").toFloatArray());
            assertTrue(Arrays.equals(new long[] {2, 2}, back.get("fc.weight").shape()));
        }
    }

    @Test
    void refusesValuesPythonCannotHold() {
        Path file = dir.resolve("bad.pth");
        assertThrows(CheckpointException.class, () -> Checkpoints.write(file, Map.of("x", new Object())));
        assertThrows(CheckpointException.class, () -> Checkpoints.write(dir.resolve("x.safetensors"), Map.of()));
    }
}
