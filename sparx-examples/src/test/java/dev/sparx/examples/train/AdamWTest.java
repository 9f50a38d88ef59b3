package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static final double LR = 0.05;
    private static final double WD = 0.1;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** Runs forward and backward on a random batch, leaving gradients on the parameters. */
    private static void backward(TrainableModel model, NDManager manager, Shape input, long[] labels) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(input);
            NDArray y = scope.create(labels);
            model.parameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits =
                        model.block().forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
                gc.backward(new LabelSmoothingCrossEntropy(0.1).loss(logits, y));
            }
        }
    }

    private static Map<String, double[]> snapshot(TrainableModel model, boolean gradients) {
        Map<String, double[]> out = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> {
            if (p.requiresGradient()) {
                NDArray a = gradients ? p.getArray().getGradient() : p.getArray();
                double[] v = a.toType(DataType.FLOAT64, false).toDoubleArray();
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void twoStepsMatchTorchAdamWComputedByHand() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableModel model = TinyNets.convNet(manager, 3, 6);
            checkSteps(model, manager, 2, new Shape(4, 3, 6, 6), new long[] {0, 2, 1, 2});
        }
    }

    @Test
    void aStepOnTinyTMatchesTorchAdamWComputedByHand() throws IOException {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager();
                InputStream json = AdamWTest.class.getResourceAsStream("/finetune/tiny_t.json")) {
            SparXConfig config = SparXConfig.fromJson(new String(json.readAllBytes(), StandardCharsets.UTF_8));
            SparXMamba net = SparXMamba.builder().setConfig(config).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            TrainableModel model = new TrainableModel(net, StateDictKeys.of(net));
            checkSteps(model, manager, 1, new Shape(2, 3, 64, 64), new long[] {945, 3});
            try (AdamW opt = new AdamW(model, WD, B1, B2, EPS, manager)) {
                List<String> exempt = opt.groups().get(0).names();
                List<String> decayed = opt.groups().get(1).names();
                assertTrue(exempt.contains("layers.2.blocks.0.op.A_logs"));
                assertTrue(exempt.contains("layers.2.blocks.0.op.Ds"));
                assertTrue(exempt.contains("layers.2.blocks.0.layerscale_1.weight"));
                assertTrue(exempt.contains("patch_embed.1.weight"));
                assertTrue(decayed.contains("layers.2.blocks.0.op.x_proj_weight"));
                assertTrue(decayed.contains("classifier.3.weight"));
                assertFalse(exempt.stream().anyMatch(n -> n.endsWith("running_mean") || n.endsWith("num_batches_tracked")));
                assertEquals(model.parameters().values().stream().filter(Parameter::requiresGradient).count(),
                        exempt.size() + decayed.size());
            }
        }
    }

    /** Takes {@code steps} AdamW steps and compares every weight with the formula in float64. */
    private static void checkSteps(TrainableModel model, NDManager manager, int steps, Shape input, long[] labels) {
        try (AdamW opt = new AdamW(model, WD, B1, B2, EPS, manager)) {
            Map<String, double[]> p = snapshot(model, false);
            Map<String, double[]> m = new LinkedHashMap<>();
            Map<String, double[]> v = new LinkedHashMap<>();
            for (int t = 1; t <= steps; t++) {
                backward(model, manager, input, labels);
                Map<String, double[]> g = snapshot(model, true);
                opt.step(LR);
                double bc1 = 1 - Math.pow(B1, t);
                double bc2 = 1 - Math.pow(B2, t);
                for (String k : p.keySet()) {
                    double wd = WeightDecayRule.decays(k, model.parameters().get(k).getShape().getShape()) ? WD : 0;
                    double[] pk = p.get(k);
                    double[] mk = m.computeIfAbsent(k, x -> new double[pk.length]);
                    double[] vk = v.computeIfAbsent(k, x -> new double[pk.length]);
                    double[] gk = g.get(k);
                    for (int i = 0; i < pk.length; i++) {
                        pk[i] *= 1 - LR * wd;
                        mk[i] = B1 * mk[i] + (1 - B1) * gk[i];
                        vk[i] = B2 * vk[i] + (1 - B2) * gk[i] * gk[i];
                        pk[i] -= LR / bc1 * mk[i] / (Math.sqrt(vk[i]) / Math.sqrt(bc2) + EPS);
                    }
                }
                Map<String, double[]> actual = snapshot(model, false);
                for (String k : p.keySet()) {
                    double[] want = p.get(k);
                    double[] got = actual.get(k);
                    for (int i = 0; i < want.length; i++) {
                        // float32 arithmetic against float64: a few ulps of the weight
                        assertEquals(want[i], got[i], 1e-6 * Math.abs(want[i]) + 1e-7, k + "[" + i + "] step " + t);
                    }
                }
                // the reference continues from the float32 weights so errors do not accumulate
                p = actual;
            }
            assertEquals(3 * model.parameters().values().stream().filter(Parameter::requiresGradient).count(),
                    opt.state().size());
        }
    }

    @Test
    void groupsExemptNormsBiasesAndBuffers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableModel model = TinyNets.convNet(manager, 3, 6);
            try (AdamW opt = new AdamW(model, WD, B1, B2, EPS, manager)) {
                List<AdamW.Group> groups = opt.groups();
                assertEquals(0.0, groups.get(0).weightDecay());
                assertEquals(WD, groups.get(1).weightDecay());
                // decayed: the conv kernel and the linear weight; exempt: biases and BN affine
                assertEquals(2, groups.get(1).names().size(), groups.toString());
                assertTrue(groups.get(1).names().stream().allMatch(n -> n.endsWith("weight")), groups.toString());
                assertEquals(4, groups.get(0).names().size(), groups.toString());
                // running statistics are buffers, not optimised
                assertFalse(groups.get(0).names().stream().anyMatch(n -> n.contains("running")), groups.toString());
            }
        }
    }
}
