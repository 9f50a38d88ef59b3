package dev.sparx.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random truncations, byte flips and overwritten length fields of the good fixtures: every damaged
 * file either loads or raises {@link CheckpointException}, within a time bound; never another
 * exception, an error, or a hang. Seeds are fixed, so a failure names a case that can be rerun.
 * The surefire configuration forwards no properties, so by hand: {@code mvn test -Dtest=FuzzTest
 * -DargLine="-Dsparx.fuzz.cases=2000"}.
 */
class FuzzTest {

    // -Dsparx.fuzz.cases=N -Dsparx.fuzz.seed=S fuzz longer or differently by hand
    private static final int CASES_PER_FILE = Integer.getInteger("sparx.fuzz.cases", 30);
    private static final long SEED = Long.getLong("sparx.fuzz.seed", 0);
    private static final Duration BOUND = Duration.ofSeconds(3);
    private static final long[] INTERESTING = {0, 1, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffffL, 0xffffffffL,
        Long.MAX_VALUE, -1, Long.MIN_VALUE};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "golden/state_dict.pth", "golden/state_dict_torch2_records.pth", "golden/state_dict_legacy.pth",
        "golden/timm_train_checkpoint.pth.tar", "golden/ddp_prefixed.pth", "golden/model_key.pth",
        "generated/small_proto1.pth", "generated/small_proto4.pth", "generated/small_legacy_proto4.pth",
        "generated/small.safetensors", "generated/objects.pth", "generated/state_dict_deflated.pth"
    })
    void damagedFilesLoadOrFailCleanly(String name) throws IOException {
        byte[] good = Files.readAllBytes(Fixtures.file(name));
        Random rnd = new Random(name.hashCode() + SEED);
        for (int i = 0; i < CASES_PER_FILE; i++) {
            byte[] bad = mutate(good, rnd);
            check(name + " case " + i, Files.write(dir.resolve("fuzz.bin"), bad));
        }
    }

    /**
     * The same damage inside the pickle of an otherwise valid archive (CRCs recomputed), so that it
     * reaches the unpickler instead of failing the archive's checksums.
     */
    @ParameterizedTest
    @ValueSource(strings = {"golden/state_dict.pth", "golden/timm_train_checkpoint.pth.tar", "generated/objects.pth"})
    void damagedPicklesLoadOrFailCleanly(String name) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        byte[] pickle;
        try (CheckpointFile f = CheckpointFile.open(Fixtures.file(name))) {
            ZipArchive zip = ZipArchive.open(f);
            pickle = null;
            for (ZipArchive.Entry e : zip.entries().values()) {
                byte[] data = bytes(zip.read(e));
                String record = e.name().substring(e.name().indexOf('/') + 1);
                if (record.equals("data.pkl")) {
                    pickle = data;
                } else {
                    records.put("archive/" + record, data);
                }
            }
        }
        Random rnd = new Random(name.hashCode() * 31L + SEED);
        for (int i = 0; i < 2 * CASES_PER_FILE; i++) {
            byte[] bad = mutate(pickle, rnd);
            Path file = new PickleBytes(bad).writeCheckpoint(dir.resolve("fuzz.pth"), records);
            check(name + " pickle case " + i, file);
        }
    }

    private static void check(String what, Path file) {
        assertTimeoutPreemptively(BOUND, () -> {
            try (Checkpoint c = Checkpoints.open(file)) {
                c.allTensors();
                c.stateDict();
            } catch (CheckpointException expected) {
                // a clean refusal is one of the two allowed outcomes
            } catch (Throwable t) {
                fail(what + ": " + t, t);
            }
        }, what + " took longer than " + BOUND);
    }

    private static byte[] mutate(byte[] good, Random rnd) {
        byte[] b = Arrays.copyOf(good, good.length);
        switch (rnd.nextInt(3)) {
            case 0 -> {
                return Arrays.copyOf(b, rnd.nextInt(good.length));
            }
            case 1 -> {
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            default -> {
                long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                int width = rnd.nextBoolean() ? 4 : 8;
                int at = rnd.nextInt(Math.max(1, b.length - width));
                for (int k = 0; k < width && at + k < b.length; k++) {
                    b[at + k] = (byte) (v >>> (8 * k));
                }
            }
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.duplicate().get(out);
        return out;
    }
}
