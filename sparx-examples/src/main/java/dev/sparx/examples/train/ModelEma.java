package dev.sparx.examples.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.StateDict;
import java.util.HashMap;
import java.util.Map;

/**
 * An exponential moving average of a model's weights, as timm's {@code ModelEmaV2}: after every
 * optimiser step each parameter and buffer (BatchNorm running statistics included) is updated as
 * {@code ema = decay * ema + (1 - decay) * value}, starting from a copy of the model.
 *
 * <p>The average is evaluated with the model's own block: {@link #parameterStore()} hands the
 * block the averaged arrays in place of its own, so no second copy of the network is built.
 * This relies on the block reading every parameter through the {@link ParameterStore}, as DJL's
 * blocks do.
 */
public final class ModelEma implements AutoCloseable {

    private final TrainableModel model;
    private final double decay;
    private final NDManager manager;
    private final Map<String, NDArray> byId = new HashMap<>();

    /**
     * Starts the average at the model's current weights.
     *
     * @param model the model
     * @param decay the decay, e.g. 0.9998
     * @param parent manager under which the averaged arrays live
     */
    public ModelEma(TrainableModel model, double decay, NDManager parent) {
        if (!(decay > 0 && decay < 1)) {
            throw new SparxException("model EMA decay must be in (0, 1), got " + decay);
        }
        this.model = model;
        this.decay = decay;
        this.manager = parent.newSubManager();
        for (Parameter p : model.parameters().values()) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(manager);
            byId.put(p.getId(), copy);
        }
    }

    /** @return the decay */
    public double decay() {
        return decay;
    }

    /** Moves the average one step towards the model's current weights. */
    public void update() {
        for (Parameter p : model.parameters().values()) {
            NDArray ema = byId.get(p.getId());
            if (!ema.getDataType().isFloating()) {
                // ModelEmaV2 would round an average of counters; copying keeps them exact
                ema.set(p.getArray().toByteBuffer());
                continue;
            }
            try (NDArray scaled = p.getArray().mul(1 - decay)) {
                ema.muli(decay).addi(scaled);
            }
        }
    }

    /**
     * A parameter store that gives the block the averaged weights; use it with {@code training =
     * false} to evaluate the average.
     *
     * @param parent manager of the store
     * @return the store
     */
    public ParameterStore parameterStore(NDManager parent) {
        return new ParameterStore(parent, false) {
            @Override
            public NDArray getValue(Parameter parameter, Device device, boolean training) {
                NDArray v = parameter == null ? null : byId.get(parameter.getId());
                return v != null ? v : super.getValue(parameter, device, training);
            }
        };
    }

    /** @return the averaged weights as a state dict in the model's layout */
    public StateDict stateDict() {
        return model.stateDict(p -> byId.get(p.getId()));
    }

    /**
     * Restores the average from a state dict in the model's layout.
     *
     * @param dict the saved average
     * @throws SparxException if a parameter's key is missing or its shape differs
     */
    public void load(StateDict dict) {
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            HostCopies.copyInto(byId.get(e.getValue().getId()), dict.get(e.getKey()), "EMA " + e.getKey());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
