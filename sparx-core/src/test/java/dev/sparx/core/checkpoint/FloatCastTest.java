package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Float casts match torch's {@code Tensor.half()}, {@code .bfloat16()} and {@code .float()} bit for bit. */
class FloatCastTest {

    private static final Map<String, HostTensor> TORCH = Fixtures.npz("generated/cast_expected.npz");

    @ParameterizedTest
    @ValueSource(strings = {"x32", "x64"})
    void castsMatchTorch(String source) {
        HostTensor x = TORCH.get(source);
        HostTensor f16 = FloatCast.cast(x, DType.FLOAT16);
        assertEquals(TORCH.get(source + "_f16").data(), f16.data());
        HostTensor bf16 = FloatCast.cast(x, DType.BFLOAT16);
        assertEquals(DType.BFLOAT16, bf16.dtype());
        assertEquals(TORCH.get(source + "_bf16").data(), bf16.data());
    }

    @Test
    void float64NarrowsToFloat32AndBack() {
        HostTensor x64 = TORCH.get("x64");
        HostTensor x32 = FloatCast.cast(x64, DType.FLOAT32);
        float[] expected = x64.toFloatArray();
        float[] actual = x32.toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), "element " + i);
        }
        assertEquals(x32.data(), FloatCast.cast(FloatCast.cast(x32, DType.FLOAT64), DType.FLOAT32).data());
    }

    @Test
    void onlyFloatingTensorsChange() {
        StateDict sd = Checkpoints.read(Fixtures.file("golden/state_dict.pth"));
        StateDict half = FloatCast.toFloating(sd, DType.FLOAT16);
        assertEquals(sd.keys(), half.keys());
        for (String k : sd.keys()) {
            HostTensor before = sd.get(k);
            HostTensor after = half.get(k);
            assertEquals(before.dtype().isFloating() ? DType.FLOAT16 : before.dtype(), after.dtype(), k);
            if (!before.dtype().isFloating()) {
                assertSame(before, after, k);
            }
        }
        assertThrows(CheckpointException.class, () -> FloatCast.cast(sd.get("int32"), DType.FLOAT16));
        assertThrows(CheckpointException.class, () -> FloatCast.toFloating(sd, DType.INT8));
    }
}
