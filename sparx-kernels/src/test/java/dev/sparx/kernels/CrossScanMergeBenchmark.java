package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 * The fused scan alone, on the shapes SparX-Mamba T gives it at 224x224 (stage 1: D = 192 on 56x56;
 * stage 3: D = 640 on 14x14; N = 1), against the NDArray implementation and the naive loop
 * ({@link SequentialReference}, the definition step by step in float64). Implementations are timed
 * through the {@link SelectiveScan} interface on NDArrays, so the time includes the checks, the
 * buffer views and the output allocation. Run with
 * {@code mvn -pl sparx-kernels -Pjmh test-compile exec:exec@jmh}; never run by the tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dai.djl.offline=true")
public class CrossScanMergeBenchmark {

    /** Shape of the call: {@code stage1} or {@code stage3} of T, at batch 1 or 8. */
    @Param({"stage1-b1", "stage3-b1", "stage1-b8"})
    public String shape;

    /**
     * {@code native-N}: the kernel on N threads; {@code native-sse2-1}: its baseline x86-64 code on
     * one thread; {@code ndarray}: {@link NdArraySelectiveScan} (libtorch's own threads);
     * {@code naive}: the float64 loop on one thread.
     */
    @Param({"native-1", "native-2", "native-sse2-1", "ndarray", "naive"})
    public String scan;

    private NDManager manager;
    private ScanCase input;
    private NDArray[] arrays;
    private SelectiveScan kernel;

    /** Builds random inputs of the chosen shape and the chosen implementation. */
    @Setup(Level.Trial)
    public void setUp() {
        int batch = shape.endsWith("b8") ? 8 : 1;
        boolean stage1 = shape.startsWith("stage1");
        input = ScanCase.random(1, batch, stage1 ? 192 : 640, 1, stage1 ? 56 : 14, stage1 ? 56 : 14, 1, 1);
        manager = NDManager.newBaseManager();
        arrays = input.toNDArrays(manager);
        if (scan.startsWith("native")) {
            int threads = Integer.parseInt(scan.substring(scan.lastIndexOf('-') + 1));
            kernel = new NativeSelectiveScan(threads, scan.contains("sse2") ? IsaLimit.BASELINE : IsaLimit.NONE);
        } else if (scan.equals("ndarray")) {
            kernel = new NdArraySelectiveScan();
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
    public double crossScanMerge() {
        if (kernel == null) {
            return input.reference()[0];
        }
        try (NDArray y = ScanCase.call(kernel, arrays)) {
            return y.getShape().get(0);
        }
    }
}
