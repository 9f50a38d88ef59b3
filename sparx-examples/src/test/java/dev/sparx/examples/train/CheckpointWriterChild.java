package dev.sparx.examples.train;

import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A process that rewrites one training checkpoint forever, alternating two versions, so that a
 * test can kill it at an arbitrary moment of a save.
 */
public final class CheckpointWriterChild {

    private CheckpointWriterChild() {}

    /** Elements of the big tensor: 16 MB, so that a save takes a while. */
    static final int ELEMENTS = 4 << 20;

    /**
     * A checkpoint whose every weight is {@code value}.
     *
     * @param value 1 or 2
     * @return the checkpoint
     */
    static TrainingCheckpoint version(float value) {
        float[] w = new float[ELEMENTS];
        Arrays.fill(w, value);
        StateDict model = new StateDict();
        model.put("w", HostTensor.ofFloats(new long[] {ELEMENTS}, w));
        return new TrainingCheckpoint("child", (int) value, (long) value, 7, value, value, 1, model, null,
                new StateDict(), List.of(new AdamW.Group(0, List.of()), new AdamW.Group(0.05, List.of("w"))),
                1e-3, Map.of());
    }

    /**
     * Writes version 2, then 1, then 2, ... to the file; prints a line after the first save.
     *
     * @param args the checkpoint path
     */
    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        TrainingCheckpoint[] versions = {version(1f), version(2f)};
        for (long i = 1; ; i++) {
            versions[(int) (i % 2)].write(target);
            if (i == 1) {
                System.out.println("saved");
                System.out.flush();
            }
        }
    }
}
