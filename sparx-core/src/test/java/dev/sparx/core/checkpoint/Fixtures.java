package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/** The checkpoint fixtures under {@code src/test/resources/checkpoint} and comparisons on them. */
final class Fixtures {

    private Fixtures() {}

    /**
     * @param name a path under {@code checkpoint/}, e.g. {@code golden/state_dict.pth}
     * @return the file
     */
    static Path file(String name) {
        URL url = Fixtures.class.getResource("/checkpoint/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource checkpoint/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param name an {@code .npz} under {@code checkpoint/}
     * @return its arrays
     */
    static Map<String, HostTensor> npz(String name) {
        return Npy.readNpz(file(name));
    }

    /**
     * Asserts that a tensor holds exactly the expected values; float16 and bfloat16 tensors are
     * compared widened to float32, as the expected files store them.
     *
     * @param key the entry, for messages
     * @param expected the reference
     * @param actual what was read
     */
    static void assertSameValues(String key, HostTensor expected, HostTensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), key + " shape");
        if (actual.dtype().isFloating()) {
            assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0, key + " values");
        } else {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray(), key + " values");
        }
    }

    /**
     * Asserts bit-identical tensors: same dtype, shape and bytes.
     *
     * @param key the entry, for messages
     * @param expected the reference
     * @param actual what was read
     */
    static void assertIdentical(String key, HostTensor expected, HostTensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), key + " dtype");
        assertArrayEquals(expected.shape(), actual.shape(), key + " shape");
        assertEquals(expected.data(), actual.data(), key + " bytes");
    }

    /**
     * Asserts that a state dict equals the reference values of an {@code .npz} in keys, order,
     * shapes and values.
     *
     * @param expected the reference arrays
     * @param actual what was read
     * @param dtypes the dtype each key must have, or {@code null} to skip that check
     */
    static void assertStateDict(Map<String, HostTensor> expected, StateDict actual, Map<String, DType> dtypes) {
        assertEquals(expected.keySet().stream().toList(), actual.keys().stream().toList(), "keys in order");
        for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
            HostTensor t = actual.get(e.getKey());
            if (dtypes != null) {
                assertEquals(dtypes.get(e.getKey()), t.dtype(), e.getKey() + " dtype");
            }
            assertSameValues(e.getKey(), e.getValue(), t);
        }
    }
}
