package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Loading a library that is not there reports why instead of throwing. */
class BundledLibraryTest {

    @Test
    void aMissingLibraryIsReportedNotThrown() {
        BundledLibrary library = BundledLibrary.load("sparx_no_such_library", "gcc");
        assertFalse(library.isLoaded());
        String reason = library.failure().orElseThrow();
        assertTrue(reason.contains("libsparx_no_such_library"), reason);
        assertTrue(BundledLibrary.platform().equals(BundledLibrary.BUILT_PLATFORM) == reason.contains("gcc"), reason);
    }
}
