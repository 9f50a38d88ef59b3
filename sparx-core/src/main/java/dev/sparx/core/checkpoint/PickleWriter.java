package dev.sparx.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Emits pickle protocol 2 opcodes, the subset {@code torch.save} writes for a state dict or a
 * training checkpoint (nested dicts, lists, numbers, strings). Globals are memoised so that each
 * is named once.
 */
final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memo = new HashMap<>();

    /** Starts the pickle: {@code PROTO 2}. */
    PickleWriter() {
        out.write(0x80);
        out.write(2);
    }

    /**
     * Pushes a global ({@code GLOBAL}, then {@code BINGET} on later uses).
     *
     * @param module e.g. {@code collections}
     * @param name e.g. {@code OrderedDict}
     */
    void global(String module, String name) {
        String key = module + "\n" + name + "\n";
        Integer slot = memo.get(key);
        if (slot != null) {
            get(slot);
            return;
        }
        out.write('c');
        out.writeBytes(key.getBytes(StandardCharsets.US_ASCII));
        put(memo.size());
        memo.put(key, memo.size());
    }

    private void get(int slot) {
        if (slot < 256) {
            out.write('h');
            out.write(slot);
        } else {
            out.write('j');
            int32(slot);
        }
    }

    private void put(int slot) {
        if (slot < 256) {
            out.write('q');
            out.write(slot);
        } else {
            out.write('r');
            int32(slot);
        }
    }

    /** {@code MARK}. */
    void mark() {
        out.write('(');
    }

    /** {@code EMPTY_TUPLE}. */
    void emptyTuple() {
        out.write(')');
    }

    /** {@code TUPLE}: the items since the mark. */
    void tuple() {
        out.write('t');
    }

    /** {@code REDUCE}: calls the global below the argument tuple. */
    void reduce() {
        out.write('R');
    }

    /** {@code SETITEMS}: the key/value pairs since the mark into the dict below it. */
    void setItems() {
        out.write('u');
    }

    /** {@code EMPTY_DICT}. */
    void emptyDict() {
        out.write('}');
    }

    /** {@code EMPTY_LIST}. */
    void emptyList() {
        out.write(']');
    }

    /** {@code APPENDS}: the items since the mark onto the list below it. */
    void appends() {
        out.write('e');
    }

    /** {@code NONE}. */
    void none() {
        out.write('N');
    }

    /**
     * Pushes a float ({@code BINFLOAT}, big-endian IEEE double).
     *
     * @param v the value
     */
    void floating(double v) {
        out.write('G');
        long bits = Double.doubleToRawLongBits(v);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift) & 0xff);
        }
    }

    /** {@code BINPERSID}: the tuple on top is a persistent id. */
    void persistentId() {
        out.write('Q');
    }

    /**
     * @param b a Python bool
     */
    void bool(boolean b) {
        out.write(b ? 0x88 : 0x89);
    }

    /**
     * Pushes an int with the shortest opcode Python's pickler would choose.
     *
     * @param v the value
     */
    void integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            out.write((int) v & 0xff);
            out.write((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            int32((int) v);
        } else {
            byte[] be = BigInteger.valueOf(v).toByteArray();
            out.write(0x8a);
            out.write(be.length);
            for (int i = be.length - 1; i >= 0; i--) {
                out.write(be[i]);
            }
        }
    }

    /**
     * Pushes a str ({@code BINUNICODE}).
     *
     * @param s the string
     */
    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        int32(b.length);
        out.writeBytes(b);
    }

    private void int32(int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write(v >>> 24);
    }

    /**
     * Ends the pickle with {@code STOP}.
     *
     * @return its bytes
     */
    byte[] finish() {
        out.write('.');
        return out.toByteArray();
    }
}
