package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.HostTensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Random;

/**
 * A by-hand check of read speed and peak heap on a big checkpoint; not a test (benchmarks do not
 * belong in the test run). Run it in two JVMs, so that writing does not inflate the reader's heap:
 *
 * <pre>
 * mvn -q -pl sparx-core test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *     -Dexec.args="-Xmx2g -cp %classpath dev.sparx.core.checkpoint.CheckpointSpeedCheck write 335 /tmp/big.pth"
 * mvn -q -pl sparx-core exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *     -Dexec.args="-Xmx360m -cp %classpath dev.sparx.core.checkpoint.CheckpointSpeedCheck read /tmp/big.pth 3"
 * </pre>
 *
 * {@code write MB FILE} writes a state dict of about MB megabytes of float32 tensors shaped like a
 * vision model's (many small, some of a few megabytes); {@code read FILE N} reads it N times and
 * prints each time and the peak heap.
 */
public final class CheckpointSpeedCheck {

    private CheckpointSpeedCheck() {}

    /**
     * @param args {@code write MB FILE} or {@code read FILE N}
     */
    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("write")) {
            write(Long.parseLong(args[1]) << 20, Path.of(args[2]));
        } else if (args.length == 3 && args[0].equals("read")) {
            read(Path.of(args[1]), Integer.parseInt(args[2]));
        } else {
            System.err.println("usage: write MB FILE | read FILE N");
        }
    }

    private static void write(long bytes, Path file) {
        Random rnd = new Random(1);
        StateDict sd = new StateDict();
        long written = 0;
        for (int i = 0; written < bytes; i++) {
            // a block's worth: a 3x3 conv, a norm and two projections whose width grows with depth
            int dim = 64 << Math.min(3, i / 64);
            long[][] shapes = {{dim, 1, 3, 3}, {dim}, {dim}, {4L * dim, dim}, {dim, 4L * dim}};
            for (int j = 0; j < shapes.length; j++) {
                int n = (int) HostTensor.numel(shapes[j]);
                float[] v = new float[n];
                for (int k = 0; k < n; k++) {
                    v[k] = (float) rnd.nextGaussian();
                }
                sd.put("blocks." + i + ".p" + j, HostTensor.ofFloats(shapes[j], v));
                written += 4L * n;
            }
        }
        Checkpoints.write(file, sd);
        System.out.printf("wrote %s: %d tensors, %.1f MB%n", file, sd.size(), written / 1e6);
    }

    private static void read(Path file, int times) {
        for (int i = 0; i < times; i++) {
            long t0 = System.nanoTime();
            StateDict sd = Checkpoints.read(file);
            System.out.printf("read %s: %d tensors, %d elements in %.0f ms%n",
                    file, sd.size(), sd.totalElements(), (System.nanoTime() - t0) / 1e6);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("peak heap %.0f MB (max %d MB)%n", peak / 1e6, Runtime.getRuntime().maxMemory() >> 20);
    }
}
