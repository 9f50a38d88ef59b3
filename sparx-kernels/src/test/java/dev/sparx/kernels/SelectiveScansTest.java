package dev.sparx.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import org.junit.jupiter.api.Test;

class SelectiveScansTest {

    @Test
    void findsImplementationsByName() {
        assertEquals("ndarray", SelectiveScans.byName("ndarray").name());
        assertTrue(SelectiveScans.names().contains(SelectiveScans.auto().name()));
        assertEquals(SelectiveScans.auto().name(), SelectiveScans.byName("auto").name());
    }

    @Test
    void unknownNameListsTheChoices() {
        SparxException e = assertThrows(SparxException.class, () -> SelectiveScans.byName("cudnn"));
        assertTrue(e.getMessage().contains("'cudnn'") && e.getMessage().contains("ndarray"), e.getMessage());
    }
}
