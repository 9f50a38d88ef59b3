package dev.sparx.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.kernels.KernelTimes;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparx benchmark}: times the forward pass of a network (random weights as the spec
 * initialises them, or a checkpoint's) for each batch size and selective scan asked for, and prints
 * one JSON line per configuration.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description = "Time forward passes of SparX-Mamba; one JSON line per batch size and scan.")
public final class BenchmarkCommand implements Callable<Integer> {

    /** The fewest timed passes a configuration gets. */
    static final int MIN_RUNS = 5;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ModelChoice model;

    @Option(names = "--batch", paramLabel = "B", split = ",", defaultValue = "1",
            description = "Batch sizes, comma-separated (default ${DEFAULT-VALUE}).")
    private List<Integer> batches;

    @Option(names = "--img-size", paramLabel = "N", defaultValue = "224",
            description = "Side of the square input (default ${DEFAULT-VALUE}).")
    private int imgSize;

    @Option(names = "--scan", paramLabel = "SCAN", split = ",", defaultValue = SelectiveScans.AUTO,
            description = "Selective scans, comma-separated: auto or ${COMPLETION-CANDIDATES}"
                    + " (default ${DEFAULT-VALUE}).",
            completionCandidates = PredictTensorCommand.ScanNames.class)
    private List<String> scans;

    @Option(names = "--threads", paramLabel = "N",
            description = "libtorch's intra-op threads and the native scan's (default: libtorch's own"
                    + " choice, or -Dai.djl.pytorch.num_threads; the native scan: every processor).")
    private Integer threads;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Timed forward passes per configuration, at least 5 (default ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed passes before them (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--kernel-times",
            description = "Also report the wall-clock time per pass spent in each kind of native kernel"
                    + " (native_ms_per_pass; docs/performance.md).")
    private boolean kernelTimes;

    @Option(names = "--checkpoint", paramLabel = "W.pth",
            description = "Weights to load (.pth or .safetensors); random weights without it.")
    private Path checkpoint;

    @Override
    public Integer call() {
        if (runs < MIN_RUNS) {
            throw new SparxException("--runs " + runs + ": expected at least " + MIN_RUNS);
        }
        if (warmup < 0) {
            throw new SparxException("--warmup " + warmup + ": expected 0 or more");
        }
        if (imgSize < 1) {
            throw new SparxException("--img-size " + imgSize + ": expected a positive size");
        }
        for (int b : batches) {
            if (b < 1) {
                throw new SparxException("--batch " + b + ": expected positive batch sizes");
            }
        }
        Engine.getEngine("PyTorch");
        if (threads != null) {
            if (threads < 1) {
                throw new SparxException("--threads " + threads + ": expected at least 1");
            }
            JniUtils.setNumThreads(threads);
        }
        StateDict weights = checkpoint == null ? null : Checkpoints.read(checkpoint, CheckpointOptions.NETWORK);
        PrintWriter out = spec.commandLine().getOut();
        for (String scan : scans) {
            for (int batch : batches) {
                out.println(measure(scan, batch, weights));
                out.flush();
            }
        }
        return 0;
    }

    private String measure(String scanName, int batch, StateDict weights) {
        int scanThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        SparXMamba net = SparXMamba.builder().setConfig(model.config())
                .optSelectiveScan(SelectiveScans.byName(scanName, scanThreads)).build();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(batch, 3, imgSize, imgSize);
            net.initialize(manager, DataType.FLOAT32, shape);
            if (weights != null) {
                StateDictLoader.load(net, weights);
            }
            NDArray x = manager.randomNormal(shape);
            for (int i = 0; i < warmup; i++) {
                forward(net, manager, x);
            }
            double[] ms = new double[runs];
            double[] cpuMs = new double[runs];
            // before the timed passes, so that it tells how busy the machine was, not this run
            String loadAverage = loadAverage();
            KernelTimes.setEnabled(kernelTimes);
            KernelTimes.reset();
            long faults0 = minorFaults();
            long processCpu0 = processCpuNanos();
            long jit0 = jitCompileMillis();
            for (int i = 0; i < runs; i++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                forward(net, manager, x);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpuMs[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            KernelTimes.setEnabled(false);
            String faultsPerPass = perPass(minorFaults() - faults0, faults0 < 0);
            String processCpuMsPerPass = perPass((processCpuNanos() - processCpu0) / 1e6, processCpu0 < 0);
            String jitMsPerPass = perPass(jitCompileMillis() - jit0, jit0 < 0);
            double median = median(ms);
            return String.format(Locale.ROOT,
                    "{\"model\": \"%s\", \"batch\": %d, \"img_size\": %d, \"scan\": \"%s\", \"threads\": %d,"
                            + " \"images_per_s\": %.3f, \"latency_ms_median\": %.1f, \"latency_ms_min\": %.1f,"
                            + " \"thread_cpu_ms_median\": %.1f, \"process_cpu_ms_per_pass\": %s,"
                            + " \"page_faults_per_pass\": %s, \"jit_ms_per_pass\": %s, \"runs\": %d,"
                            + " \"peak_rss_mb\": %s,"
                            + " \"openmp_wait\": \"%s\", \"load_average\": %s%s}",
                    json(model.label()), batch, imgSize, json(net.getSelectiveScan().name()), JniUtils.getNumThreads(),
                    batch * 1000 / median, median, Arrays.stream(ms).min().orElseThrow(), median(cpuMs),
                    processCpuMsPerPass, faultsPerPass, jitMsPerPass, runs, peakRssMb(), json(openMpWait()),
                    loadAverage, kernelTimes ? nativeMsPerPass() : "");
        }
    }

    /**
     * @return how libtorch's OpenMP workers wait between operators, from the environment they read
     *     when the library loaded: the variables set, or "default" (GNU OpenMP's: a spin of about
     *     3 ms, then sleep)
     */
    private static String openMpWait() {
        StringJoiner set = new StringJoiner(" ");
        for (String name : new String[] {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
            String value = System.getenv(name);
            if (value != null && !value.isEmpty()) {
                set.add(name + "=" + value);
            }
        }
        return set.length() == 0 ? "default" : set.toString();
    }

    /** @return the native kernels' time per timed pass, by kind, as a JSON member */
    private String nativeMsPerPass() {
        StringJoiner kinds = new StringJoiner(", ", ", \"native_ms_per_pass\": {", "}");
        KernelTimes.totals().forEach((kind, total) -> kinds.add(String.format(Locale.ROOT, "\"%s\": %.2f",
                kind.name().toLowerCase(Locale.ROOT), total.nanos() / 1e6 / runs)));
        return kinds.toString();
    }

    /** One pass in its own sub-manager, so that its arrays are freed before the next. */
    private static void forward(SparXMamba net, NDManager manager, NDArray x) {
        try (NDManager pass = manager.newSubManager()) {
            // reading one value waits for the result, whatever the engine's execution model
            net.forward(new ParameterStore(pass, false), new NDList(x), false).head().getFloat(0, 0);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private String perPass(double total, boolean unavailable) {
        return unavailable ? "null" : String.format(Locale.ROOT, "%.1f", total / runs);
    }

    /** CPU time of all the process's threads (libtorch's workers too), or -1 where not reported. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /**
     * The time the JVM's JIT compilers have spent so far, in ms, or -1 where the JVM does not report
     * it. Still compiling during the timed passes means they were not yet the steady state of a
     * long-running process: a compiler thread takes a core from the pass, and code not yet
     * optimised runs slower (docs/performance.md).
     */
    private static long jitCompileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /**
     * The process's minor page faults so far (field 10 of /proc/self/stat), or -1 where /proc is
     * missing: each is a page the kernel maps and zeroes, as for a fresh large allocation.
     */
    private static long minorFaults() {
        Long faults = fromProc("/proc/self/stat", "the minor page faults", text -> {
            // the command name (field 2) may hold spaces; the fields after its closing parenthesis do not
            String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[7]);
        });
        return faults == null ? -1 : faults;
    }

    /**
     * The system's load average over the last minute (the first field of /proc/loadavg), or
     * {@code null} where /proc is missing: the host's other work moves these figures by a fifth or
     * more (docs/performance.md).
     */
    private static String loadAverage() {
        Double load = fromProc("/proc/loadavg", "the load average",
                text -> Double.parseDouble(text.trim().split("\\s+")[0]));
        return load == null ? "null" : String.format(Locale.ROOT, "%.2f", load);
    }

    /**
     * The process's peak resident set so far (VmHWM), in MB; {@code null} where /proc is missing.
     * Several configurations in one process each see the largest peak before them too.
     */
    private static String peakRssMb() {
        Long kb = fromProc("/proc/self/status", "VmHWM", text -> text.lines().filter(l -> l.startsWith("VmHWM:"))
                .findFirst().map(l -> Long.parseLong(l.substring(6).trim().split("\\s+")[0])).orElse(null));
        return kb == null ? "null" : String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    /**
     * @param file a file under /proc
     * @param what what is read from it, for messages
     * @param parse reads the value from the file's text; null where the file does not hold it
     * @return the value, or null where the file is missing (a system without /proc) or lacks it
     * @throws SparxException where the file is there but cannot be read or parsed
     */
    private static <T> T fromProc(String file, String what, Function<String, T> parse) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            return null;
        }
        try {
            return parse.apply(Files.readString(path));
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            throw new SparxException("cannot read " + what + " from " + path + ": " + e.getMessage(), e);
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
