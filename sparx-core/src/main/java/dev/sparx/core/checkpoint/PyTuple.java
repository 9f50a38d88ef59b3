package dev.sparx.core.checkpoint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An unpickled Python tuple. Unlike a {@link List} it may serve as a dict key, so it keeps whether
 * all of its items are hashable and how deeply tuples nest inside it; both are fixed when it is
 * built, because a tuple never changes.
 */
public final class PyTuple {

    private final List<Object> items;
    private final boolean hashable;
    private final int depth;
    private final int hash;

    /**
     * @param items the items, copied
     */
    public PyTuple(List<?> items) {
        // Collections.unmodifiableList, unlike List.copyOf, keeps nulls (Python's None)
        this.items = Collections.unmodifiableList(new ArrayList<>(items));
        boolean h = true;
        int d = 0;
        int code = 1;
        for (Object o : this.items) {
            if (o instanceof PyTuple t) {
                h &= t.hashable;
                d = Math.max(d, t.depth);
                code = 31 * code + t.hash;
            } else {
                h &= isHashableScalar(o);
                code = 31 * code + (o == null ? 0 : h ? o.hashCode() : 0);
            }
        }
        this.hashable = h;
        this.depth = d + 1;
        this.hash = code;
    }

    /**
     * @param o an unpickled value
     * @return whether Python could hash it without looking inside a container
     */
    static boolean isHashableScalar(Object o) {
        return o == null
                || o instanceof String
                || o instanceof Long
                || o instanceof BigInteger
                || o instanceof Double
                || o instanceof Boolean;
    }

    /** @return the items, unmodifiable (None is {@code null}) */
    public List<Object> items() {
        return items;
    }

    /** @return the number of items */
    public int size() {
        return items.size();
    }

    /**
     * @param i index
     * @return the item
     */
    public Object get(int i) {
        return items.get(i);
    }

    /** @return whether Python could use this tuple as a dict key */
    public boolean hashable() {
        return hashable;
    }

    /** @return how deeply tuples nest in this one (1 for a tuple of scalars) */
    public int depth() {
        return depth;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyTuple t && t.hash == hash && t.items.equals(items);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "tuple of " + items.size();
    }
}
