package dev.sparx.examples.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns an image file into a sample of type {@code T}. {@link ImageFolder} lists files and
 * leaves the decoding to one of these, so that the validation and training commands can share a
 * folder scan while each decodes the way its transform needs.
 *
 * @param <T> the decoded form
 */
@FunctionalInterface
public interface ImageDecoder<T> {

    /**
     * Decodes one file.
     *
     * @param file an image file
     * @return the decoded image
     * @throws IOException if the file cannot be read or decoded
     */
    T decode(Path file) throws IOException;
}
