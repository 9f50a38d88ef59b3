package dev.sparx.examples.data;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * timm's {@code natural_key} order: case-insensitive, with runs of digits compared as numbers,
 * so that {@code class2} sorts before {@code class10}. Names whose keys are equal (such as
 * {@code a07} and {@code a7}) fall back to plain string order so that the result never depends on
 * the order the file system lists them in.
 */
public final class NaturalOrder implements Comparator<String> {

    /** The one instance. */
    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {}

    @Override
    public int compare(String a, String b) {
        List<Object> ka = key(a);
        List<Object> kb = key(b);
        // Python compares the split lists element-wise; text and number runs alternate in the
        // same positions, so each pair has one type.
        for (int i = 0; i < Math.min(ka.size(), kb.size()); i++) {
            Object x = ka.get(i);
            Object y = kb.get(i);
            int c =
                    x instanceof BigInteger bx
                            ? bx.compareTo((BigInteger) y)
                            : ((String) x).compareTo((String) y);
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(ka.size(), kb.size());
        return c != 0 ? c : a.compareTo(b);
    }

    /** Splits the lower-cased name into text, number, text, ... runs (text first, maybe empty). */
    private static List<Object> key(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        List<Object> parts = new ArrayList<>();
        int i = 0;
        int n = lower.length();
        while (true) {
            int start = i;
            while (i < n && !Character.isDigit(lower.charAt(i))) {
                i++;
            }
            parts.add(lower.substring(start, i));
            if (i == n) {
                return parts;
            }
            StringBuilder digits = new StringBuilder();
            while (i < n && Character.isDigit(lower.charAt(i))) {
                digits.append(Character.digit(lower.charAt(i), 10));
                i++;
            }
            parts.add(new BigInteger(digits.toString()));
        }
    }
}
