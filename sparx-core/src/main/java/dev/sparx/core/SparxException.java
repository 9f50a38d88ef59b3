package dev.sparx.core;

/**
 * The root of the project's own exceptions. Every error the library raises for bad input (a file,
 * a key, an argument) is one of these, and its message names what was wrong and what was expected.
 */
public class SparxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the offending file, key or argument.
     *
     * @param message what was wrong and what was expected
     */
    public SparxException(String message) {
        super(message);
    }

    /**
     * Creates an exception that wraps the lower-level cause.
     *
     * @param message what was wrong and what was expected
     * @param cause the underlying error
     */
    public SparxException(String message, Throwable cause) {
        super(message, cause);
    }
}
