package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The lifetime of one operation's intermediate arrays. DJL puts the result of {@code a.op(b)} in
 * {@code a}'s manager, so without a scope every intermediate of a forward pass lives until the
 * caller's manager closes, and anything computed from a parameter lives as long as the model.
 *
 * <p>Opening a scope moves the given activations into a sub-manager of the first one's manager for
 * the scope's duration (they go back when it closes), so that what is computed from them is freed
 * at its end; {@link #own} moves the first result computed from a parameter into the scope;
 * {@link #keep} hands a result out to the caller's manager. Closing an intermediate does not
 * disturb autograd: the graph keeps its own references.
 */
public final class ArrayScope implements AutoCloseable {

    private final NDManager parent;
    private final NDManager scope;

    private ArrayScope(NDManager parent) {
        this.parent = parent;
        this.scope = parent.newSubManager();
    }

    /**
     * Opens a scope in the manager of the first activation.
     *
     * @param activations the operation's inputs that are activations (not parameters); nulls and
     *     repeats are skipped
     * @return the scope
     */
    public static ArrayScope of(NDArray... activations) {
        ArrayScope s = new ArrayScope(activations[0].getManager());
        Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (NDArray a : activations) {
            // attaching one array twice would record the scope itself as where it goes back to
            if (a != null && seen.add(a)) {
                a.tempAttach(s.scope);
            }
        }
        return s;
    }

    /**
     * Moves an array computed from a parameter into the scope.
     *
     * @param derived e.g. a reshaped view of a parameter
     * @return the same array
     */
    public NDArray own(NDArray derived) {
        derived.attach(scope);
        return derived;
    }

    /**
     * Hands a result to the caller: it outlives the scope.
     *
     * @param result an array computed in the scope
     * @return the same array
     */
    public NDArray keep(NDArray result) {
        result.attach(parent);
        return result;
    }

    /**
     * Hands results to the caller.
     *
     * @param results arrays computed in the scope
     * @return the same list
     */
    public NDList keep(NDList results) {
        results.attach(parent);
        return results;
    }

    /** @return the scope's manager, for arrays created from nothing (zeros, random masks) */
    public NDManager manager() {
        return scope;
    }

    /** Frees the intermediates and returns the activations to their managers. */
    @Override
    public void close() {
        scope.close();
    }
}
