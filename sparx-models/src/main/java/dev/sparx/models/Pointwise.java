package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise function as a step of a {@link NamedSequential}. */
public final class Pointwise extends AbstractBlock {

    private final String name;
    private final UnaryOperator<NDArray> function;

    private Pointwise(String name, UnaryOperator<NDArray> function) {
        this.name = name;
        this.function = function;
    }

    /** @return GELU in its exact (erf) form, as torch's {@code nn.GELU()} */
    public static Pointwise gelu() {
        return new Pointwise("GELU", Activation::gelu);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(function.apply(inputs.singletonOrThrow()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return name + "()";
    }
}
