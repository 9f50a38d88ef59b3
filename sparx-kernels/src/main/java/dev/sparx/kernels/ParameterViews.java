package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;

/**
 * Arrays derived from parameters during a forward pass. DJL puts an operation's result in its first
 * operand's manager; for a parameter that is the model's, so a reshaped view made in every pass
 * would live as long as the model. These views are moved to the manager of the activation they are
 * used with.
 */
public final class ParameterViews {

    private ParameterViews() {}

    /**
     * @param parameter a parameter's array
     * @param activation the array it will be combined with
     * @param shape the view's shape
     * @return the reshaped view, owned by the activation's manager
     */
    public static NDArray reshape(NDArray parameter, NDArray activation, long... shape) {
        NDArray view = parameter.reshape(shape);
        view.attach(activation.getManager());
        return view;
    }
}
