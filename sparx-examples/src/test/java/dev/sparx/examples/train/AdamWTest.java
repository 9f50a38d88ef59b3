package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
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

    /** Runs forward and backward on a fixed batch, leaving gradients on the parameters. */
    private static void backward(TrainableModel model, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(4, 3, 6, 6));
            NDArray y = scope.create(new long[] {0, 2, 1, 2});
            model.parameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .forEach(p -> p.getArray().getGradient().subi(p.getArray().getGradient()));
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
                double[] v = a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
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
            try (AdamW opt = new AdamW(model, WD, B1, B2, EPS, manager)) {
                Map<String, double[]> p = snapshot(model, false);
                Map<String, double[]> m = new LinkedHashMap<>();
                Map<String, double[]> v = new LinkedHashMap<>();
                for (int t = 1; t <= 2; t++) {
                    backward(model, manager);
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
