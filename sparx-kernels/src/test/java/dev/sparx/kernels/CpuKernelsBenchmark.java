package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native kernels besides the scan, each on calls SparX-Mamba T makes at 224x224 and batch 1,
 * against its NDArray form: the MLP's depthwise 3x3 with residual and GELU and the token mixer's
 * 5x5 with SiLU (stage 1, (384 or 192, 56, 56), and stage 3, (1280 or 640, 14, 14)), GroupNorm
 * over (96, 56, 56) and (320, 14, 14), and the layer-scaled residual over (320, 14, 14) and
 * (512, 7, 7). Timed through the public entry points on NDArrays, so the time includes the checks,
 * the buffer views and the output allocation. Run with
 * {@code mvn -pl sparx-kernels -Pjmh test-compile exec:exec@jmh -Djmh.args=CpuKernelsBenchmark};
 * never run by the tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class CpuKernelsBenchmark {

    /** The call: kernel and T's stage. */
    @Param({"mlp-dwconv-stage1", "mlp-dwconv-stage3", "mixer-dwconv-stage1", "mixer-dwconv-stage3",
            "groupnorm-stage1", "groupnorm-stage3", "layerscale-stage3", "layerscale-stage4"})
    public String call;

    /** {@code native}: the kernel on one thread; {@code ndarray}: the NDArray form on one libtorch thread. */
    @Param({"native", "ndarray"})
    public String form;

    private NDManager manager;
    private NDArray x;
    private NDArray weight;
    private NDArray bias;
    private NDArray other;

    /** Builds random inputs for the chosen call. */
    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        boolean early = call.endsWith("stage1");
        if (call.startsWith("mlp-dwconv") || call.startsWith("mixer-dwconv")) {
            boolean mlp = call.startsWith("mlp");
            long channels = (early ? 96 : 320) * (mlp ? 4 : 2);
            int side = early ? 56 : 14;
            int kernel = mlp ? 3 : 5;
            x = manager.randomNormal(new Shape(1, channels, side, side));
            weight = manager.randomNormal(0, 0.1f, new Shape(channels, 1, kernel, kernel), x.getDataType());
            bias = manager.randomNormal(new Shape(channels));
        } else {
            long channels = call.startsWith("groupnorm") ? (early ? 96 : 320) : call.endsWith("stage3") ? 320 : 512;
            int side = call.startsWith("groupnorm") ? (early ? 56 : 14) : call.endsWith("stage3") ? 14 : 7;
            x = manager.randomNormal(new Shape(1, channels, side, side));
            weight = manager.randomNormal(new Shape(channels));
            bias = manager.randomNormal(new Shape(channels));
            other = manager.randomNormal(new Shape(1, channels, side, side));
        }
    }

    /** Closes the arrays. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One call.
     *
     * @return something the JIT cannot discard
     */
    @Benchmark
    public long kernel() {
        // the NDArray forms' intermediates go to x's manager; the scope frees them with the output
        try (ArrayScope scope = ArrayScope.of(x, other)) {
            return call(form.equals("native")).getShape().get(1);
        }
    }

    private NDArray call(boolean nativeForm) {
        NDArray y;
        if (call.startsWith("mlp-dwconv") || call.startsWith("mixer-dwconv")) {
            DepthwiseConvolution.Epilogue epilogue = call.startsWith("mlp")
                    ? DepthwiseConvolution.Epilogue.RESIDUAL_GELU : DepthwiseConvolution.Epilogue.SILU;
            y = nativeForm ? DepthwiseConvolution.nativeKernel(x, bias, weight, bias, 1, epilogue, 1, IsaLimit.NONE)
                    : DepthwiseConvolution.portable(x, bias, weight, bias, 1, epilogue);
        } else if (call.startsWith("groupnorm")) {
            y = nativeForm ? GroupNormalization.nativeKernel(x, weight, bias, 1e-5f, 1, IsaLimit.NONE)
                    : GroupNormalization.portable(x, weight, bias, 1e-5f);
        } else {
            y = nativeForm ? LayerScaleResidual.nativeKernel(x, weight, bias, other, 1, IsaLimit.NONE)
                    : LayerScaleResidual.portable(x, weight, bias, other);
        }
        return y;
    }
}
