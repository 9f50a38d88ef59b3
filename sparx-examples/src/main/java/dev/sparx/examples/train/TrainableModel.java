package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What the training loop trains: an initialised DJL block and its parameters and buffers named by
 * state-dict key. The keys are what the weight-decay rule, the optimiser state, the EMA and the
 * checkpoints speak; for SparX-Mamba they are the authors' PyTorch keys ({@code
 * StateDictKeys.of(network)}), for any other block DJL's parameter paths will do.
 */
public final class TrainableModel {

    private final Block block;
    private final Map<String, Parameter> parameters;

    /**
     * Wraps a block with its parameters.
     *
     * @param block an initialised block
     * @param parameters every parameter and buffer of the block by state-dict key, in state-dict
     *     order; trainable ones report {@link Parameter#requiresGradient()}
     */
    public TrainableModel(Block block, Map<String, Parameter> parameters) {
        this.block = block;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Wraps a block, naming its parameters by DJL's paths (such as {@code 01Conv2d_weight}).
     *
     * @param block an initialised block
     * @return the model
     */
    public static TrainableModel withDjlNames(Block block) {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            named.put(p.getKey(), p.getValue());
        }
        return new TrainableModel(block, named);
    }

    /** @return the block */
    public Block block() {
        return block;
    }

    /** @return key to parameter, in state-dict order */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * The state dict with the given values.
     *
     * @param values the value of each parameter: {@link Parameter#getArray()} for the live
     *     weights, or the EMA's copy
     * @return the state dict, every entry in the parameter's own dtype
     */
    public StateDict stateDict(Function<Parameter, NDArray> values) {
        StateDict out = new StateDict();
        parameters.forEach((k, p) -> out.put(k, HostTensor.fromNDArray(values.apply(p))));
        return out;
    }

    /**
     * Replaces every parameter's value from a state dict of exactly this model's keys, shapes and
     * dtypes (what {@link #stateDict} wrote); the arrays keep their identity.
     *
     * @param dict the state dict
     * @throws SparxException if a key is missing or unexpected, or a shape or dtype differs
     */
    public void loadStateDict(StateDict dict) {
        TreeSet<String> unexpected = new TreeSet<>(dict.keys());
        unexpected.removeAll(parameters.keySet());
        if (!unexpected.isEmpty()) {
            throw new SparxException("state dict has keys the model lacks: " + unexpected);
        }
        parameters.forEach((k, p) -> HostCopies.copyInto(p.getArray(), dict.get(k), k));
    }
}
