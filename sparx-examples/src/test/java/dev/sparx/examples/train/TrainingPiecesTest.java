package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingPiecesTest {

    @Test
    void weightDecayRuleOnSparxKeys() {
        // shapes from the released T's manifest
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.op.A_logs", new long[] {2560, 1}));
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.op.Ds", new long[] {2560}));
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.layerscale_1.weight", new long[] {320, 1, 1, 1}));
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.layerscale_2.bias", new long[] {320}));
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.norm.weight", new long[] {320}));
        assertFalse(WeightDecayRule.decays("layers.2.blocks.0.pos_embed.bias", new long[] {320}));
        assertFalse(WeightDecayRule.decays("classifier.3.bias", new long[] {1000}));
        assertTrue(WeightDecayRule.decays("layers.2.blocks.0.op.dt_projs_bias", new long[] {4, 640}));
        assertTrue(WeightDecayRule.decays("layers.2.blocks.0.op.x_proj_weight", new long[] {88, 640, 1}));
        assertTrue(WeightDecayRule.decays("layers.2.blocks.0.pos_embed.weight", new long[] {320, 1, 3, 3}));
        assertTrue(WeightDecayRule.decays("classifier.3.weight", new long[] {1000, 512}));
        assertTrue(WeightDecayRule.decays("patch_embed.0.weight", new long[] {48, 3, 3, 3}));
    }

    @Test
    void labelSmoothingMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {2f, 0f, -1f, 0.5f, 0.5f, 3f}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray labels = m.create(new long[] {0, 2});
            double s = 0.1;
            double want = 0;
            double[][] z = {{2, 0, -1}, {0.5, 0.5, 3}};
            int[] y = {0, 2};
            for (int b = 0; b < 2; b++) {
                double lse = Math.log(Math.exp(z[b][0]) + Math.exp(z[b][1]) + Math.exp(z[b][2]));
                double nll = lse - z[b][y[b]];
                double smooth = 0;
                for (double v : z[b]) {
                    smooth += (lse - v) / 3;
                }
                want += ((1 - s) * nll + s * smooth) / 2;
            }
            assertEquals(want, new LabelSmoothingCrossEntropy(s).loss(logits, labels).getFloat(), 1e-6);
        }
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3f, 0f});
            NDArray b = m.create(new float[] {4f});
            double norm = GradientClipping.clip(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            double coef = 1.0 / (5.0 + 1e-6);
            assertArrayEquals(new float[] {(float) (3 * coef), 0f}, a.toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {(float) (4 * coef)}, b.toFloatArray(), 1e-7f);
            // below the limit nothing changes
            GradientClipping.clip(List.of(a, b), 10.0);
            assertArrayEquals(new float[] {(float) (4 * coef)}, b.toFloatArray(), 0f);
        }
    }

    @Test
    void emaAveragesParametersAndBuffers() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableModel model = TinyNets.convNet(m, 3, 6);
            Parameter w = model.parameters().values().iterator().next();
            Parameter runningVar =
                    model.parameters().entrySet().stream()
                            .filter(e -> e.getKey().contains("runningVar") || e.getKey().contains("running_var"))
                            .findFirst().orElseThrow().getValue();
            float w0 = w.getArray().toFloatArray()[0];
            try (ModelEma ema = new ModelEma(model, 0.9, m)) {
                w.getArray().addi(1f);
                runningVar.getArray().addi(2f);
                ema.update();
                float got = ema.stateDict().get(model.parameters().entrySet().iterator().next().getKey())
                        .toFloatArray()[0];
                assertEquals(0.9f * w0 + 0.1f * (w0 + 1f), got, 1e-6f);
                String rvKey = model.parameters().entrySet().stream()
                        .filter(e -> e.getValue() == runningVar).findFirst().orElseThrow().getKey();
                // running variance starts at 1: 0.9 * 1 + 0.1 * 3
                assertEquals(1.2f, ema.stateDict().get(rvKey).toFloatArray()[0], 1e-6f);
            }
        }
    }
}
