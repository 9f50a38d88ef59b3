package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Clipping by the global L2 norm of all gradients, as {@code torch.nn.utils.clip_grad_norm_} does
 * (timm's {@code --clip-grad} with the default mode {@code norm}): with total norm n over every
 * gradient, all gradients are multiplied by {@code min(1, max_norm / (n + 1e-6))}.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Clips the gradients in place.
     *
     * @param gradients the gradients of all trainable parameters
     * @param maxNorm the largest allowed global norm
     * @return the global norm before clipping
     */
    public static double clip(List<NDArray> gradients, double maxNorm) {
        NDManager owner = gradients.get(0).getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDList norms = new NDList(gradients.size());
            for (NDArray g : gradients) {
                NDArray n = g.norm();
                n.attach(scope);
                norms.add(n);
            }
            NDArray stacked = NDArrays.stack(norms);
            stacked.attach(scope);
            float total = stacked.norm().getFloat();
            double coef = Math.min(1.0, maxNorm / (total + 1e-6));
            if (coef < 1.0) {
                for (NDArray g : gradients) {
                    g.muli((float) coef);
                }
            }
            return total;
        }
    }
}
