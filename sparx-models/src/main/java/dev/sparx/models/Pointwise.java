package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise function as a step of a {@link NamedSequential}. */
public final class Pointwise extends AbstractBlock {

    private final String name;
    private final UnaryOperator<NDArray> function;
    private final Epilogue asEpilogue;

    private Pointwise(String name, UnaryOperator<NDArray> function, Epilogue asEpilogue) {
        this.name = name;
        this.function = function;
        this.asEpilogue = asEpilogue;
    }

    /** @return GELU in its exact (erf) form, as torch's {@code nn.GELU()} */
    public static Pointwise gelu() {
        return new Pointwise("GELU", Activation::gelu, Epilogue.GELU);
    }

    /** @return the same function as a depthwise convolution's epilogue, or null where there is none */
    Epilogue asEpilogue() {
        return asEpilogue;
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
