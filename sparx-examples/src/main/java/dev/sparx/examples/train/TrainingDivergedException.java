package dev.sparx.examples.train;

import dev.sparx.core.SparxException;

/** The loss became NaN or infinite: the run stops before applying that step. */
public final class TrainingDivergedException extends SparxException {

    private static final long serialVersionUID = 1L;

    private final long step;

    /**
     * Creates the exception.
     *
     * @param step the global optimiser step (from 0) whose loss was not finite
     * @param message what happened and which checkpoint is the last good one
     */
    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** @return the global step whose loss was not finite */
    public long step() {
        return step;
    }
}
