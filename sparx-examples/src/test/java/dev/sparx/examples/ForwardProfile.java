package dev.sparx.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparx.kernels.SelectiveScan;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A profiling harness, not a test: times the forward pass of a random-weight network and splits
 * passes by libtorch operator with libtorch's own profiler (self time: an operator's time minus
 * that of the operators it called), and the convolutions by weight shape.
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=1 -cp ... dev.sparx.examples.ForwardProfile \
 *     sparx_mamba_t 1 224 ndarray|stub 5 /tmp/trace.json [backward]
 * </pre>
 *
 * {@code stub} replaces the selective scan by one elementwise operation, so that what remains is
 * the rest of the model; {@code backward} also profiles the gradient pass.
 */
public final class ForwardProfile {

    private static final int PROFILED_PASSES = 3;

    private ForwardProfile() {}

    /** A stand-in for the scan that costs one pass over u: what the rest of the model costs shows. */
    private static final class StubScan implements SelectiveScan {
        @Override
        public NDArray crossScanMerge(
                NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray deltaBias) {
            return u.mul(u);
        }

        @Override
        public String name() {
            return "stub";
        }
    }

    /**
     * @param args model, batch, image size, scan (a scan name or {@code stub}), timed runs, trace file,
     *     optionally {@code backward}
     * @throws Exception on I/O errors
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: ForwardProfile MODEL BATCH SIZE SCAN|stub RUNS TRACE.json [backward]");
            System.exit(2);
        }
        String model = args[0];
        int batch = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        SelectiveScan scan = "stub".equals(args[3]) ? new StubScan() : SelectiveScans.byName(args[3]);
        int runs = Integer.parseInt(args[4]);
        Path trace = Path.of(args[5]);
        boolean backward = args.length > 6 && "backward".equals(args[6]);
        SparXMamba net = SparXMamba.builder().setConfig(SparXConfig.variant(model)).optSelectiveScan(scan).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(batch, 3, size, size);
            net.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomNormal(shape);
            for (int i = 0; i < 2; i++) {
                pass(net, manager, x, backward);
            }
            // with one libtorch thread the operators run on this thread, so its CPU time is the work
            // done, which the load of a shared machine disturbs far less than the wall-clock time
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double[] ms = new double[runs];
            double[] cpu = new double[runs];
            for (int i = 0; i < runs; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                pass(net, manager, x, backward);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            Arrays.sort(ms);
            Arrays.sort(cpu);
            System.out.printf(Locale.ROOT,
                    "%s batch %d %dx%d scan %s%s: wall median %.1f ms (min %.1f), thread CPU median %.1f ms (min %.1f)%n",
                    model, batch, size, size, scan.name(), backward ? " +backward" : "", ms[runs / 2], ms[0],
                    cpu[runs / 2], cpu[0]);
            // three passes in one profile, so that one pass slowed by the machine's load weighs less
            JniUtils.startProfile(false, true, false);
            for (int i = 0; i < PROFILED_PASSES; i++) {
                pass(net, manager, x, backward);
            }
            JniUtils.stopProfile(trace.toString());
        }
        summarise(trace);
    }

    private static void pass(SparXMamba net, NDManager manager, NDArray x, boolean backward) {
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            if (backward) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = net.forward(ps, new NDList(x), true).head();
                    gc.backward(y.sum());
                }
            } else {
                net.forward(ps, new NDList(x), false).head();
            }
        }
    }

    private record Event(String name, String shapes, double start, double duration, long thread) {}

    private static void summarise(Path trace) throws Exception {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(trace)) {
            root = JsonParser.parseReader(r);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject()
                .getAsJsonArray("traceEvents");
        List<Event> all = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!o.has("dur")) {
                continue;
            }
            String shapes = "";
            if (o.has("shape")) {
                shapes = o.get("shape").toString();
            }
            long tid = o.has("tid") ? o.get("tid").getAsLong() : 0;
            all.add(new Event(o.get("name").getAsString(), shapes, o.get("ts").getAsDouble(), o.get("dur").getAsDouble(),
                    tid));
        }
        all.sort(Comparator.comparingLong(Event::thread).thenComparingDouble(Event::start)
                .thenComparing(Comparator.comparingDouble(Event::duration).reversed()));
        Map<String, Double> self = new HashMap<>();
        Map<String, Double> kinds = new HashMap<>();
        Map<String, Double> convs = new HashMap<>();
        Deque<Event> open = new ArrayDeque<>();
        Map<Event, Double> children = new HashMap<>();
        double total = 0;
        for (Event e : all) {
            while (!open.isEmpty() && open.peek().start() + open.peek().duration() <= e.start()) {
                Event done = open.pop();
                kinds.merge(kind(done, open), selfTime(done, children), Double::sum);
                close(done, children, self);
            }
            if (open.isEmpty()) {
                total += e.duration();
            } else {
                children.merge(open.peek(), e.duration(), Double::sum);
            }
            if (e.name().equals("aten::convolution")) {
                convs.merge(e.shapes().replaceAll(",\\[\\]", ""), e.duration(), Double::sum);
            }
            if (e.name().startsWith("aten::") && e.name().contains("conv") && open.peek() != null
                    && open.peek().name().equals("aten::_convolution")) {
                convs.merge("  path " + e.name(), e.duration(), Double::sum);
            }
            open.push(e);
        }
        while (!open.isEmpty()) {
            Event done = open.pop();
            kinds.merge(kind(done, open), selfTime(done, children), Double::sum);
            close(done, children, self);
        }
        total /= PROFILED_PASSES;
        self.replaceAll((k, v) -> v / PROFILED_PASSES);
        convs.replaceAll((k, v) -> v / PROFILED_PASSES);
        kinds.replaceAll((k, v) -> v / PROFILED_PASSES);
        System.out.printf(Locale.ROOT, "top-level operator time per pass %.1f ms%n", total / 1e3);
        print("self time by kind of operation", kinds, total);
        print("self time by operator", self, total);
        print("convolutions by input shapes [x, w, b]", convs, total);
    }

    private static double selfTime(Event e, Map<Event, Double> children) {
        return e.duration() - children.getOrDefault(e, 0.0);
    }

    private static void close(Event e, Map<Event, Double> children, Map<String, Double> self) {
        self.merge(e.name(), selfTime(e, children), Double::sum);
        children.remove(e);
    }

    /** The kind an operator's self time counts under: a convolution's by its weight, else by name. */
    private static String kind(Event e, Deque<Event> callers) {
        for (Event c : callers) {
            if (c.name().equals("aten::_convolution")) {
                // shapes [[x], [w], ...]: w is (O, I/groups, kh, kw)
                String w = c.shapes().replaceAll("^\\[\\[[^]]*\\],\\[", "").replaceAll("].*", "");
                String[] d = w.split(",");
                if (d[1].equals("1")) {
                    return "depthwise convolutions";
                }
                return d[2].equals("1") && d[3].equals("1") ? "1x1 convolutions" : "full convolutions (stem, downsamples)";
            }
        }
        String n = e.name().replace("aten::", "");
        if (List.of("mm", "bmm", "matmul", "addmm", "linear").contains(n)) {
            return "matrix products";
        }
        if (List.of("add", "mul", "sub", "div", "neg", "exp", "add_", "mul_", "softplus", "log1p").contains(n)) {
            return "elementwise arithmetic";
        }
        if (List.of("gelu", "sigmoid", "softmax", "_softmax").contains(n)) {
            return "GELU, sigmoid, softmax";
        }
        if (n.contains("norm")) {
            return "GroupNorm (layer_norm), BatchNorm";
        }
        if (List.of("copy_", "cat", "flip", "index_select", "contiguous", "clone").contains(n)) {
            return "copies, concatenations, flips";
        }
        return "other (views, allocation, reductions, dispatch)";
    }

    private static void print(String title, Map<String, Double> times, double total) {
        System.out.println(title + ":");
        times.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(30)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %8.2f ms %5.1f%%  %s%n", en.getValue() / 1e3,
                        100 * en.getValue() / total, en.getKey()));
    }
}
