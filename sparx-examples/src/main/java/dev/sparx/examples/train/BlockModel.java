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
 * Any initialised DJL block as a {@link TrainableModel}, its state-dict keys being DJL's parameter
 * paths (such as {@code 01Conv2d_weight}). Models with their own state-dict layout (SparX-Mamba's
 * is the authors' PyTorch one) implement {@link TrainableModel} themselves.
 */
public final class BlockModel implements TrainableModel {

    private final Block block;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /**
     * Wraps a block.
     *
     * @param block an initialised block
     */
    public BlockModel(Block block) {
        this.block = block;
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.put(p.getKey(), p.getValue());
        }
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public StateDict stateDict(Function<Parameter, NDArray> values) {
        StateDict out = new StateDict();
        parameters.forEach((k, p) -> out.put(k, HostTensor.fromNDArray(values.apply(p))));
        return out;
    }

    @Override
    public void loadStateDict(StateDict dict) {
        TreeSet<String> unexpected = new TreeSet<>(dict.keys());
        unexpected.removeAll(parameters.keySet());
        if (!unexpected.isEmpty()) {
            throw new SparxException("state dict has keys the model lacks: " + unexpected);
        }
        parameters.forEach((k, p) -> HostCopies.copyInto(p.getArray(), dict.get(k), k));
    }
}
