package dev.sparx.core.download;

import dev.sparx.core.SparxException;

/**
 * A download that failed: the server could not be reached, answered with an error, stopped
 * before the end too often, or sent a file that failed its checks. The message names the address
 * and the file and says what to do.
 */
public class DownloadException extends SparxException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     */
    public DownloadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the lower-level cause.
     *
     * @param message what failed and what to do
     * @param cause the network or file error
     */
    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
