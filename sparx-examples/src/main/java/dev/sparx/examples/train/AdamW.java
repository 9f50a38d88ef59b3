package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adam with decoupled weight decay, computed as PyTorch's {@code torch.optim.AdamW} does on the CPU
 * (its single-tensor path). For each parameter p with gradient g, at step t (from 1), rate lr and
 * the parameter's group decay wd:
 *
 * <pre>
 *   p   = p * (1 - lr * wd)
 *   m   = m + (1 - beta1) * (g - m)                      (torch: exp_avg.lerp_(g, 1 - beta1))
 *   v   = beta2 * v + (1 - beta2) * g * g
 *   p   = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * DJL's own {@code Optimizer.adamW()} differs: it adds eps to sqrt(v) before the bias correction
 * (so its effective eps is eps * sqrt(1 - beta2^t)), it has one decay for all parameters, and its
 * state cannot be saved. Its native kernel could be driven with a rescaled eps, but it forms
 * {@code 1 - beta2} in float32 (0.0010000467 instead of torch's 0.001), which moves v by 5e-5
 * relative; hence these NDArray operations, in torch's order.
 *
 * <p>Parameters are kept in two groups, in timm's order: the ones {@link WeightDecayRule} exempts
 * (decay 0), then the decayed ones. Frozen parameters (those without gradient) are not optimised.
 * The state (step count, {@code exp_avg}, {@code exp_avg_sq} per parameter) is exported in the
 * order of PyTorch's {@code optimizer.state_dict()}: index i is the i-th parameter over both groups.
 */
public final class AdamW implements AutoCloseable {

    /**
     * A parameter group.
     *
     * @param weightDecay its decay wd
     * @param names the state-dict keys of its parameters
     */
    public record Group(double weightDecay, List<String> names) {}

    private static final class Slot {
        final String name;
        final Parameter parameter;
        final double weightDecay;
        NDArray expAvg;
        NDArray expAvgSq;
        long step;

        Slot(String name, Parameter parameter, double weightDecay) {
            this.name = name;
            this.parameter = parameter;
            this.weightDecay = weightDecay;
        }
    }

    private static final Pattern STATE_KEY = Pattern.compile("state\\.(\\d{1,9})\\.(step|exp_avg|exp_avg_sq)");

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final List<Group> groups;
    private final List<Slot> slots = new ArrayList<>();
    private final NDManager manager;

    /**
     * Creates the optimiser over a model's trainable parameters.
     *
     * @param model the model; parameters without gradient are left out
     * @param weightDecay wd for the decayed group
     * @param beta1 first-moment decay (0.9 in torch)
     * @param beta2 second-moment decay (0.999 in torch)
     * @param eps added to the denominator (1e-8 in torch)
     * @param parent manager under which the state arrays live
     */
    public AdamW(TrainableModel model, double weightDecay, double beta1, double beta2, double eps, NDManager parent) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.manager = parent.newSubManager();
        List<String> noDecay = new ArrayList<>();
        List<String> decay = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            Parameter p = e.getValue();
            if (p.requiresGradient()) {
                boolean decayed = WeightDecayRule.decays(e.getKey(), p.getArray().getShape().getShape());
                (decayed ? decay : noDecay).add(e.getKey());
            }
        }
        this.groups = List.of(new Group(0.0, List.copyOf(noDecay)), new Group(weightDecay, List.copyOf(decay)));
        for (Group g : groups) {
            for (String name : g.names()) {
                slots.add(new Slot(name, model.parameters().get(name), g.weightDecay()));
            }
        }
        if (slots.isEmpty()) {
            throw new SparxException("the model has no trainable parameters (all frozen?)");
        }
    }

    /** @return the two groups, exempt first */
    public List<Group> groups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * Applies one update from the gradients the last backward pass left on the parameters.
     *
     * @param lr the learning rate of this step
     */
    public void step(double lr) {
        for (Slot s : slots) {
            NDArray p = s.parameter.getArray();
            if (s.expAvg == null) {
                s.expAvg = zeros(p);
                s.expAvgSq = zeros(p);
            }
            s.step++;
            double biasCorrection1 = 1 - Math.pow(beta1, s.step);
            double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, s.step));
            // temporaries are closed one by one: a sub-manager per parameter costs more than the math
            try (NDArray g = p.getGradient();
                    NDArray diff = g.sub(s.expAvg);
                    NDArray square = g.mul(g);
                    NDArray denom = s.expAvgSq.muli(beta2).addi(square.muli(1 - beta2)).sqrt();
                    NDArray update = s.expAvg.addi(diff.muli(1 - beta1)).div(denom.divi(biasCorrection2Sqrt).addi(eps))) {
                if (s.weightDecay != 0) {
                    p.muli(1 - lr * s.weightDecay);
                }
                p.addi(update.muli(-lr / biasCorrection1));
            }
        }
    }

    private NDArray zeros(NDArray like) {
        NDArray z = like.zerosLike();
        z.attach(manager);
        return z;
    }

    /**
     * The state in PyTorch's layout, flattened: {@code state.<i>.step} (float32 scalar),
     * {@code state.<i>.exp_avg} and {@code state.<i>.exp_avg_sq} for every parameter that has
     * been stepped, i counting over both groups.
     *
     * @return the state
     */
    public StateDict state() {
        StateDict out = new StateDict();
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.expAvg != null) {
                out.put("state." + i + ".step", HostTensor.ofFloats(new long[0], new float[] {s.step}));
                out.put("state." + i + ".exp_avg", HostTensor.fromNDArray(s.expAvg));
                out.put("state." + i + ".exp_avg_sq", HostTensor.fromNDArray(s.expAvgSq));
            }
        }
        return out;
    }

    /**
     * Restores the state that {@link #state()} exported, for the same parameters in the same order.
     *
     * @param state the saved state
     * @throws SparxException if it does not fit these parameters
     */
    public void loadState(StateDict state) {
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            String prefix = "state." + i + ".";
            if (!state.contains(prefix + "exp_avg")) {
                continue;
            }
            NDArray p = s.parameter.getArray();
            s.expAvg = zeros(p);
            s.expAvgSq = zeros(p);
            HostCopies.copyInto(s.expAvg, state.get(prefix + "exp_avg"), "optimizer " + prefix + "exp_avg (" + s.name + ")");
            HostCopies.copyInto(
                    s.expAvgSq, state.get(prefix + "exp_avg_sq"), "optimizer " + prefix + "exp_avg_sq (" + s.name + ")");
            s.step = (long) state.get(prefix + "step").toDoubleArray()[0];
        }
        for (String key : state.keys()) {
            Matcher m = STATE_KEY.matcher(key);
            if (!m.matches() || Integer.parseInt(m.group(1)) >= slots.size()) {
                throw new SparxException(
                        "optimizer state has entry '" + key + "' but the optimiser has " + slots.size() + " parameters");
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
