package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for the pickles {@code torch.save} writes: the stack machine of Python's
 * pickle protocols 0 to 5, without recursion, whose globals go through {@link SafeGlobals} and whose
 * persistent ids (torch's storages) go to the caller. Python values become Java values: None is
 * {@code null}, bool {@link Boolean}, int {@link Long} (or {@link BigInteger} past 64 bits), float
 * {@link Double}, str {@link String}, bytes {@code byte[]}, tuple {@link PyTuple}, list {@link
 * List}, dict {@link Map} (insertion-ordered), set {@link Set}.
 *
 * <p>Every length is checked against the bytes left before anything is allocated, marks nest at
 * most {@link #MAX_NESTING} deep, tuples too, and every malformed input ends in a {@link
 * CheckpointException} naming the file, the pickle and the byte offset.
 */
final class Unpickler {

    /** How deeply marks and tuples may nest; torch's pickles nest a handful of levels. */
    static final int MAX_NESTING = 1000;

    // Python refuses to convert decimal ints of more digits (sys.int_info.default_max_str_digits)
    private static final int MAX_DIGITS = 4300;
    private static final int HIGHEST_PROTOCOL = 5;

    /** Receives the tuple a {@code BINPERSID} pops and returns the object it stands for. */
    @FunctionalInterface
    interface PersistentLoader {
        /**
         * @param pid the persistent id
         * @param context the unpickler, for errors and storage types
         * @return what it stands for (a storage)
         */
        Object load(Object pid, Unpickler context);
    }

    /** Refuses persistent ids, for the pickles of a file that hold no tensors. */
    static final PersistentLoader NO_PERSISTENT_IDS = (pid, u) -> {
        throw u.error("a persistent id where the format allows none");
    };

    private final ByteBuffer in;
    private final CheckpointFile file;
    private final String pickleName;
    private final PersistentLoader persistent;
    private final SafeGlobals globals;
    private final Map<Long, Object> memo = new HashMap<>();
    private final Deque<List<Object>> metastack = new ArrayDeque<>();
    private List<Object> stack = new ArrayList<>();
    private int opcodeAt;

    /**
     * @param in the pickle's bytes from its current position; left after the {@code STOP}
     * @param file the checkpoint, for errors
     * @param pickleName which pickle of the file, for errors (e.g. {@code archive/data.pkl})
     * @param persistent resolves persistent ids
     */
    Unpickler(ByteBuffer in, CheckpointFile file, String pickleName, PersistentLoader persistent) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
        this.pickleName = pickleName;
        this.persistent = persistent;
        this.globals = new SafeGlobals(this::error);
    }

    /**
     * Builds the exception for a problem at the current opcode.
     *
     * @param problem what is wrong
     * @return the exception
     */
    CheckpointException error(String problem) {
        return file.error(problem + " (" + pickleName + ", byte " + opcodeAt + ")");
    }

    /**
     * @param storageType a storage class a persistent id names, e.g. {@code torch.FloatStorage}
     * @return its element type
     */
    DType storageDType(Object storageType) {
        return globals.storageDType(storageType);
    }

    /**
     * Runs the pickle up to its {@code STOP}.
     *
     * @return the pickled object
     * @throws CheckpointException for anything malformed or not allowed
     */
    Object load() {
        while (true) {
            opcodeAt = in.position();
            need(1, "an opcode");
            int op = in.get() & 0xff;
            switch (op) {
                case '(' -> {
                    if (metastack.size() >= MAX_NESTING) {
                        throw error("the pickle nests deeper than " + MAX_NESTING + " levels");
                    }
                    metastack.push(stack);
                    stack = new ArrayList<>();
                }
                case '.' -> {
                    return pop();
                }
                case '0' -> {
                    if (stack.isEmpty()) {
                        popMark();
                    } else {
                        pop();
                    }
                }
                case '1' -> popMark();
                case '2' -> push(top());
                case 'F' -> push(parseFloat(readLine()));
                case 'I' -> push(parseIntLine(readLine()));
                case 'J' -> push((long) readInt());
                case 'K' -> push((long) readU8());
                case 'M' -> push((long) readU16());
                case 'L' -> push(parseLong(readLine()));
                case 'N' -> push(null);
                case 'P' -> push(persistent.load(readLine(), this));
                case 'Q' -> push(persistent.load(pop(), this));
                case 'R' -> {
                    Object args = pop();
                    push(globals.call(pop(), args));
                }
                case 'S' -> push(decodeUtf8(escapeDecode(unquote(readLine()))));
                case 'T' -> push(decodeUtf8(readBytes(readInt(), "a string")));
                case 'U' -> push(decodeUtf8(readBytes(readU8(), "a string")));
                case 'V' -> push(rawUnicodeEscape(readLine()));
                case 'X' -> push(decodeUtf8(readBytes(readU32(), "a str")));
                case 0x8c -> push(decodeUtf8(readBytes(readU8(), "a str")));
                case 0x8d -> push(decodeUtf8(readBytes(readU64(), "a str")));
                case 'B' -> push(readBytes(readU32(), "bytes"));
                case 'C' -> push(readBytes(readU8(), "bytes"));
                case 0x8e, 0x96 -> push(readBytes(readU64(), "bytes"));
                case 'a' -> {
                    Object v = pop();
                    list(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(top()).addAll(items);
                }
                case 'b' -> {
                    Object state = pop();
                    globals.build(top(), state);
                }
                case 'c' -> {
                    String module = readLineAscii();
                    push(globals.resolve(module, readLineAscii()));
                }
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m && name instanceof String n)) {
                        throw error("STACK_GLOBAL needs two str, found " + SafeGlobals.typeName(module)
                                + " and " + SafeGlobals.typeName(name));
                    }
                    push(globals.resolve(m, n));
                }
                case 'i' -> {
                    String module = readLineAscii();
                    PyGlobal cls = globals.resolve(module, readLineAscii());
                    push(globals.call(cls, new PyTuple(popMark())));
                }
                case 'o' -> {
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw error("OBJ without a class");
                    }
                    push(globals.call(items.get(0), new PyTuple(items.subList(1, items.size()))));
                }
                case 0x81 -> {
                    Object args = pop();
                    push(globals.instantiate(pop(), args));
                }
                case 0x92 -> {
                    Object kwargs = pop();
                    Object args = pop();
                    if (!(kwargs instanceof Map<?, ?> kw && kw.isEmpty())) {
                        throw error("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(globals.instantiate(pop(), args));
                }
                case 'd' -> push(dict(popMark(), new LinkedHashMap<>()));
                case '}' -> push(new LinkedHashMap<>());
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dictOf(top()).put(globals.key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    dict(items, dictOf(top()));
                }
                case 'l' -> push(popMark());
                case ']' -> push(new ArrayList<>());
                case 't' -> push(tuple(popMark()));
                case ')' -> push(new PyTuple(List.of()));
                case 0x85 -> push(tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    push(tuple(List.of(pop(), b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    List<Object> items = new ArrayList<>();
                    items.add(a);
                    items.add(b);
                    items.add(c);
                    push(tuple(items));
                }
                case 0x8f -> push(new LinkedHashSet<>());
                case 0x90 -> {
                    List<Object> items = popMark();
                    Set<Object> set = setOf(top());
                    for (Object o : items) {
                        set.add(globals.key(o));
                    }
                }
                case 0x91 -> {
                    Set<Object> set = new LinkedHashSet<>();
                    for (Object o : popMark()) {
                        set.add(globals.key(o));
                    }
                    push(set);
                }
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 0x8a -> push(littleEndianInt(readBytes(readU8(), "a long")));
                case 0x8b -> push(littleEndianInt(readBytes(readInt(), "a long")));
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong(advance(8)))));
                case 'g' -> push(memoGet(parseMemoIndex(readLine())));
                case 'h' -> push(memoGet(readU8()));
                case 'j' -> push(memoGet(readU32()));
                case 'p' -> memo.put(parseMemoIndex(readLine()), top());
                case 'q' -> memo.put((long) readU8(), top());
                case 'r' -> memo.put(readU32(), top());
                case 0x94 -> memo.put((long) memo.size(), top());
                case 0x80 -> {
                    int proto = readU8();
                    if (proto > HIGHEST_PROTOCOL) {
                        throw error("unsupported pickle protocol " + proto + "; protocols 0 to 5 are read");
                    }
                }
                case 0x95 -> {
                    long frame = readU64();
                    if (frame > in.remaining()) {
                        throw error("a frame of " + frame + " bytes runs past the end of the pickle");
                    }
                }
                case 0x82, 0x83, 0x84 -> throw error("the pickle uses the copyreg extension registry"
                        + " (EXT opcodes), which checkpoints never need");
                case 0x97, 0x98 -> throw error("the pickle uses out-of-band buffers (protocol 5),"
                        + " which torch.save never writes");
                default -> throw error(String.format("unknown pickle opcode 0x%02x: the data is corrupt"
                        + " or not a pickle", op));
            }
        }
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw error("the pickle pops from an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() {
        if (stack.isEmpty()) {
            throw error("the pickle reads from an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (metastack.isEmpty()) {
            throw error("the pickle closes a mark it never opened");
        }
        List<Object> items = stack;
        stack = metastack.pop();
        return items;
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null && !memo.containsKey(index)) {
            throw error("the pickle reads memo entry " + index + ", which was never stored");
        }
        return v;
    }

    private PyTuple tuple(List<Object> items) {
        PyTuple t = new PyTuple(items);
        if (t.depth() > MAX_NESTING) {
            throw error("the pickle nests tuples deeper than " + MAX_NESTING + " levels");
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw error("the pickle appends to a " + SafeGlobals.typeName(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOf(Object o) {
        if (o instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error("the pickle sets items of a " + SafeGlobals.typeName(o) + ", not a dict");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> setOf(Object o) {
        if (o instanceof LinkedHashSet<?> s) {
            return (Set<Object>) s;
        }
        throw error("the pickle adds items to a " + SafeGlobals.typeName(o) + ", not a set");
    }

    private Map<Object, Object> dict(Collection<Object> items, Map<Object, Object> into) {
        if (items.size() % 2 != 0) {
            throw error("the pickle gives a dict an odd number of keys and values");
        }
        Object key = null;
        boolean isKey = true;
        for (Object o : items) {
            if (isKey) {
                key = globals.key(o);
            } else {
                into.put(key, o);
            }
            isKey = !isKey;
        }
        return into;
    }

    private void need(long n, String what) {
        if (n < 0 || n > in.remaining()) {
            throw error("the pickle ends inside " + what + " (needs " + n + " bytes, " + in.remaining()
                    + " left): the file is truncated or corrupt");
        }
    }

    private int advance(int n) {
        need(n, "an argument");
        int p = in.position();
        in.position(p + n);
        return p;
    }

    private int readU8() {
        return in.get(advance(1)) & 0xff;
    }

    private int readU16() {
        return in.getShort(advance(2)) & 0xffff;
    }

    private int readInt() {
        return in.getInt(advance(4));
    }

    private long readU32() {
        return readInt() & 0xffffffffL;
    }

    private long readU64() {
        long v = in.getLong(advance(8));
        if (v < 0) {
            throw error("a length of more than 2^63 bytes");
        }
        return v;
    }

    private byte[] readBytes(long n, String what) {
        need(n, what);
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private byte[] readLine() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] line = new byte[i - start];
                in.get(line);
                in.get();
                return line;
            }
        }
        throw error("the pickle ends inside a text argument: the file is truncated or corrupt");
    }

    private String readLineAscii() {
        return decodeUtf8(readLine());
    }

    private String decodeUtf8(byte[] b) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw error("the pickle holds a string that is not valid UTF-8");
        }
    }

    private static Object narrow(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object littleEndianInt(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return narrow(new BigInteger(be));
    }

    private Object parseIntLine(byte[] line) {
        String s = ascii(line);
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        return parseDecimal(s);
    }

    private Object parseLong(byte[] line) {
        String s = ascii(line);
        return parseDecimal(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
    }

    private Object parseDecimal(String s) {
        if (s.length() > MAX_DIGITS) {
            throw error("a decimal int of " + s.length() + " digits; at most " + MAX_DIGITS + " are read");
        }
        try {
            return narrow(new BigInteger(s.strip()));
        } catch (NumberFormatException e) {
            throw error("'" + abbreviate(s) + "' is not an int");
        }
    }

    private long parseMemoIndex(byte[] line) {
        Object v = parseDecimal(ascii(line));
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw error("a memo index must be a non-negative int");
    }

    private double parseFloat(byte[] line) {
        String s = ascii(line).strip();
        switch (s) {
            case "inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
                if (s.length() > MAX_DIGITS || !s.matches("[-+0-9.eE]+")) {
                    throw error("'" + abbreviate(s) + "' is not a float");
                }
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw error("'" + abbreviate(s) + "' is not a float");
                }
            }
        }
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private byte[] unquote(byte[] line) {
        int n = line.length;
        if (n < 2 || line[0] != line[n - 1] || (line[0] != '\'' && line[0] != '"')) {
            throw error("the STRING opcode's argument must be quoted");
        }
        byte[] inner = new byte[n - 2];
        System.arraycopy(line, 1, inner, 0, n - 2);
        return inner;
    }

    /** Python's {@code codecs.escape_decode}, which protocol 0's STRING opcode uses. */
    private byte[] escapeDecode(byte[] s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
        for (int i = 0; i < s.length; i++) {
            int c = s[i] & 0xff;
            if (c != '\\' || i + 1 == s.length) {
                out.write(c);
                continue;
            }
            int e = s[++i] & 0xff;
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.write(e);
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 2 >= s.length || Character.digit(s[i + 1], 16) < 0 || Character.digit(s[i + 2], 16) < 0) {
                        throw error("invalid \\x escape in a STRING argument");
                    }
                    out.write(Character.digit(s[i + 1], 16) * 16 + Character.digit(s[i + 2], 16));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i + 1 < s.length && s[i + 1] >= '0' && s[i + 1] <= '7'; k++) {
                            v = v * 8 + (s[++i] - '0');
                        }
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Python's {@code raw-unicode-escape} codec, which protocol 0's UNICODE opcode uses. */
    private String rawUnicodeEscape(byte[] s) {
        StringBuilder out = new StringBuilder(s.length);
        int backslashes = 0;
        for (int i = 0; i < s.length; i++) {
            int c = s[i] & 0xff;
            if (c == '\\') {
                backslashes++;
                out.append('\\');
                continue;
            }
            if ((c == 'u' || c == 'U') && backslashes % 2 == 1) {
                int digits = c == 'u' ? 4 : 8;
                int cp = 0;
                for (int k = 1; k <= digits; k++) {
                    int d = i + k < s.length ? Character.digit(s[i + k], 16) : -1;
                    if (d < 0) {
                        throw error("invalid \\" + (char) c + " escape in a UNICODE argument");
                    }
                    cp = cp * 16 + d;
                }
                if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                    throw error("\\U escape beyond Unicode in a UNICODE argument");
                }
                out.setLength(out.length() - 1);
                out.appendCodePoint(cp);
                i += digits;
            } else {
                out.append((char) c);
            }
            backslashes = 0;
        }
        return out.toString();
    }
}
