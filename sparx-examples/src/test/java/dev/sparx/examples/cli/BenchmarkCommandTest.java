package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparx.examples.SparxCli;
import dev.sparx.models.SparXConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** benchmark on a small random network: one JSON line per configuration, and its argument checks. */
class BenchmarkCommandTest {

    @TempDir
    Path tmp;

    private Path smallConfig() throws Exception {
        SparXConfig small = SparXConfig.builder().setDepths(1, 1, 2, 1).setDims(8, 12, 16, 20)
                .setStemType(SparXConfig.StemType.V1).setDenseStep(1, 1, 2, 1).setDenseStart(100, 1, 0, 0)
                .setMaxDenseDepth(100, 100, 3, 100).setSrRatio(8, 4, 2, 1).setNumClasses(5).build();
        Path config = tmp.resolve("small.json");
        Files.writeString(config, small.toJson());
        return config;
    }

    /** Runs the CLI with stdout (or stderr) captured, checks its exit status, returns what it printed. */
    private static String capture(boolean stdout, Supplier<Integer> run, int expectedStatus) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = stdout ? System.out : System.err;
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        if (stdout) {
            System.setOut(stream);
        } else {
            System.setErr(stream);
        }
        try {
            assertEquals(expectedStatus, run.get());
        } finally {
            if (stdout) {
                System.setOut(saved);
            } else {
                System.setErr(saved);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsOneJsonLinePerBatchSize() throws Exception {
        String config = smallConfig().toString();
        String out = capture(true, () -> SparxCli.run("benchmark", "--config", config,
                "--batch", "1,3", "--img-size", "64", "--scan", "ndarray", "--threads", "1", "--runs", "5"), 0);
        List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(2, lines.size(), out);
        int[] batches = {1, 3};
        for (int i = 0; i < 2; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals("small.json", o.get("model").getAsString());
            assertEquals(batches[i], o.get("batch").getAsInt());
            assertEquals(64, o.get("img_size").getAsInt());
            assertEquals("ndarray", o.get("scan").getAsString());
            assertEquals(1, o.get("threads").getAsInt());
            assertEquals(5, o.get("runs").getAsInt());
            double latency = o.get("latency_ms_median").getAsDouble();
            assertTrue(latency > 0 && o.get("latency_ms_min").getAsDouble() <= latency, lines.get(i));
            // images per second and the median latency are the same measurement; the JSON rounds them
            assertEquals(batches[i] * 1000 / latency, o.get("images_per_s").getAsDouble(),
                    0.01 * o.get("images_per_s").getAsDouble(), lines.get(i));
            // the JVM alone holds tens of MB
            assertTrue(o.get("peak_rss_mb").getAsDouble() > 20, lines.get(i));
            // a pass is work of the process's threads, and the faults are a count of pages
            assertTrue(o.get("process_cpu_ms_per_pass").getAsDouble() > 0, lines.get(i));
            assertTrue(o.get("page_faults_per_pass").getAsDouble() >= 0, lines.get(i));
            // HotSpot reports its compilers' time, which only accumulates
            assertTrue(o.get("jit_ms_per_pass").getAsDouble() >= 0, lines.get(i));
            // a load average is never negative (JSON null where /proc is missing)
            assertTrue(o.get("load_average").isJsonNull() || o.get("load_average").getAsDouble() >= 0, lines.get(i));
            String wait = System.getenv("OMP_WAIT_POLICY");
            String reported = o.get("openmp_wait").getAsString();
            assertTrue(wait == null || wait.isEmpty() ? !reported.contains("OMP_WAIT_POLICY")
                    : reported.contains("OMP_WAIT_POLICY=" + wait), lines.get(i));
        }
    }

    @Test
    void kernelTimesReportTheNativeKernelsOfAPass() throws Exception {
        String config = smallConfig().toString();
        String out = capture(true, () -> SparxCli.run("benchmark", "--config", config, "--img-size", "64",
                "--scan", "native", "--threads", "1", "--runs", "5", "--kernel-times"), 0);
        String line = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonObject times = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("native_ms_per_pass");
        // every block runs a scan, depthwise convolutions and GroupNorms, all native here, and the
        // blocks of stages 3 and 4 layer-scaled residuals
        for (String kind : List.of("selective_scan", "depthwise_convolution", "group_norm", "layer_scale_residual")) {
            assertTrue(times.get(kind).getAsDouble() > 0, line);
        }
        assertEquals(4, times.size(), line);
        // without the option the line has no such member
        out = capture(true, () -> SparxCli.run("benchmark", "--config", config, "--img-size", "64",
                "--scan", "native", "--threads", "1", "--runs", "5"), 0);
        line = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        assertTrue(!JsonParser.parseString(line).getAsJsonObject().has("native_ms_per_pass"), line);
    }

    @Test
    void refusesTooFewRunsAndBadBatchSizesAsOneLineErrors() throws Exception {
        String config = smallConfig().toString();
        String err = capture(false, () -> SparxCli.run("benchmark", "--config", config, "--runs", "4"), 2);
        assertTrue(err.contains("--runs 4: expected at least 5"), err);
        err = capture(false, () -> SparxCli.run("benchmark", "--config", config, "--batch", "1,0"), 2);
        assertTrue(err.contains("--batch 0"), err);
    }
}
