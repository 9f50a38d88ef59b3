package dev.sparx.core.checkpoint;

import dev.sparx.core.SparxException;

/**
 * A checkpoint file that cannot be read or written: empty, truncated, corrupt, not a checkpoint,
 * refused by the pickle allowlist, or inconsistent (a storage shorter than its tensors). The message
 * names the file and the problem.
 */
public class CheckpointException extends SparxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the file and what was wrong with it
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * @param message the file and what was wrong with it
     * @param cause the underlying error
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
