package dev.sparx.core.image;

import dev.sparx.core.SparxException;

/**
 * An image file that cannot be decoded: missing, empty, truncated, corrupt or of an unsupported
 * kind. The message names the file and says what was expected.
 */
public class ImageDecodeException extends SparxException {

    private static final long serialVersionUID = 1L;

    /** The file that failed, as the user named it. */
    private final String file;

    /**
     * Creates the exception.
     *
     * @param file the file (or other source) that failed, as the user named it
     * @param reason what is wrong with it
     */
    public ImageDecodeException(String file, String reason) {
        super("cannot decode image " + file + ": " + reason);
        this.file = file;
    }

    /**
     * Creates the exception with the lower-level cause.
     *
     * @param file the file (or other source) that failed, as the user named it
     * @param reason what is wrong with it
     * @param cause the decoder's error
     */
    public ImageDecodeException(String file, String reason, Throwable cause) {
        super("cannot decode image " + file + ": " + reason, cause);
        this.file = file;
    }

    /** @return the file that failed, as the user named it */
    public String file() {
        return file;
    }
}
