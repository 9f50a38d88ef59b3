package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNorm2d follows torch: batch statistics and momentum 0.1 updates when training. */
class BatchNorm2dTest {

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnesAsTorch() {
        int b = 4;
        int c = 3;
        int hw = 5 * 5;
        try (NDManager manager = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d(c);
            bn.initialize(manager, DataType.FLOAT32, new Shape(b, c, 5, 5));
            Map<String, ai.djl.nn.Parameter> p = StateDictKeys.of(bn);
            p.get("running_mean").getArray().set(new float[] {1, 2, 3});
            p.get("running_var").getArray().set(new float[] {4, 5, 6});
            NDArray x = manager.randomNormal(0, 2, new Shape(b, c, 5, 5), DataType.FLOAT32).add(1);
            float[] xs = x.toFloatArray();
            float[] y = bn.forward(new ParameterStore(manager, false), new NDList(x), true).head().toFloatArray();
            float[] runningMean = p.get("running_mean").getArray().toFloatArray();
            float[] runningVar = p.get("running_var").getArray().toFloatArray();
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                double sq = 0;
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < hw; j++) {
                        double v = xs[(i * c + ch) * hw + j];
                        sum += v;
                        sq += v * v;
                    }
                }
                int n = b * hw;
                double mean = sum / n;
                double var = sq / n - mean * mean;
                assertEquals(0.9 * (ch + 1) + 0.1 * mean, runningMean[ch], 1e-5);
                assertEquals(0.9 * (ch + 4) + 0.1 * var * n / (n - 1), runningVar[ch], 1e-4, "unbiased variance");
                int first = ch * hw;
                assertEquals((xs[first] - mean) / Math.sqrt(var + 1e-5), y[first], 1e-4, "normalised by the batch");
            }
            assertEquals(1L, p.get("num_batches_tracked").getArray().getLong());
            bn.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertEquals(1L, p.get("num_batches_tracked").getArray().getLong(), "eval mode counts nothing");
            assertTrue(p.get("num_batches_tracked").getArray().getDataType() == DataType.INT64);
        }
    }
}
