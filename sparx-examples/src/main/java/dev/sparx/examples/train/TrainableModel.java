package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.sparx.core.checkpoint.StateDict;
import java.util.Map;
import java.util.function.Function;

/**
 * What the training loop needs from a model: its DJL block, its parameters named by state-dict
 * key (the names the weight-decay rule, the optimiser state and the checkpoints use), and the
 * conversion to and from the state-dict layout that checkpoints hold.
 */
public interface TrainableModel {

    /** @return the block to run; already initialised */
    Block block();

    /**
     * Every parameter and buffer (such as BatchNorm running statistics) by its state-dict key, in
     * state-dict order. Trainable ones report {@link Parameter#requiresGradient()}.
     *
     * @return key to parameter
     */
    Map<String, Parameter> parameters();

    /**
     * The state dict of the model with the given values, in the layout checkpoints hold.
     *
     * @param values the value of each parameter: {@link Parameter#getArray()} for the live
     *     weights, or the EMA's copy
     * @return the state dict
     */
    StateDict stateDict(Function<Parameter, NDArray> values);

    /**
     * Replaces every parameter's value from a state dict of exactly this model's keys and shapes.
     *
     * @param dict the state dict
     * @throws dev.sparx.core.SparxException if a key is missing or unexpected, or a shape differs
     */
    void loadStateDict(StateDict dict);
}
