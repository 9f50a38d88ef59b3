package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparx.core.SparxException;
import org.junit.jupiter.api.Test;

class CosineScheduleTest {

    /** lr 1e-3, warm-up from 1e-6 over 10 steps, floor 1e-5, 100 steps in all. */
    private final CosineSchedule schedule = new CosineSchedule(1e-3, 1e-6, 1e-5, 10, 100);

    @Test
    void warmUpIsLinearFromTheWarmUpRate() {
        assertEquals(1e-6, schedule.lr(0), 1e-18);
        assertEquals(0.0005005, schedule.lr(5), 1e-15);
        assertEquals(0.0009001, schedule.lr(9), 1e-15);
    }

    @Test
    void cosineRunsOverAllStepsLikeTimm() {
        // 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + cos(pi * t / 100)), evaluated independently
        assertEquals(0.0009757729755661011, schedule.lr(10), 1e-15);
        assertEquals(0.000505, schedule.lr(50), 1e-15);
        assertEquals(1.0244252618962858e-05, schedule.lr(99), 1e-15);
        assertEquals(1e-5, schedule.lr(100), 0);
        assertEquals(1e-5, schedule.lr(150), 0);
    }

    @Test
    void withoutWarmUpStartsAtTheBaseRate() {
        CosineSchedule plain = new CosineSchedule(2e-3, 1e-6, 0, 0, 4);
        assertEquals(2e-3, plain.lr(0), 1e-15);
        assertEquals(1e-3, plain.lr(2), 1e-15);
    }

    @Test
    void refusesWarmUpAsLongAsTheRun() {
        assertThrows(SparxException.class, () -> new CosineSchedule(1e-3, 0, 0, 10, 10));
    }
}
