package dev.sparx.core.tensor;

import dev.sparx.core.SparxException;

/** The element types a checkpoint or a {@code .npy} file can hold, with their sizes in bytes. */
public enum DType {
    /** IEEE 754 single precision. */
    FLOAT32(4, "float32", "<f4"),
    /** IEEE 754 half precision. */
    FLOAT16(2, "float16", "<f2"),
    /** Brain floating point: float32's exponent, 7 mantissa bits; numpy has no such type. */
    BFLOAT16(2, "bfloat16", null),
    /** IEEE 754 double precision. */
    FLOAT64(8, "float64", "<f8"),
    /** Signed 8-bit integer. */
    INT8(1, "int8", "|i1"),
    /** Signed 16-bit integer. */
    INT16(2, "int16", "<i2"),
    /** Signed 32-bit integer. */
    INT32(4, "int32", "<i4"),
    /** Signed 64-bit integer (BatchNorm's {@code num_batches_tracked}). */
    INT64(8, "int64", "<i8"),
    /** Unsigned 8-bit integer. */
    UINT8(1, "uint8", "|u1"),
    /** Boolean, one byte per element. */
    BOOL(1, "bool", "|b1");

    private final int byteSize;
    private final String displayName;
    private final String numpyDescr;

    DType(int byteSize, String displayName, String numpyDescr) {
        this.byteSize = byteSize;
        this.displayName = displayName;
        this.numpyDescr = numpyDescr;
    }

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /** @return the name torch and numpy print for this type, e.g. {@code float32} */
    public String displayName() {
        return displayName;
    }

    /** @return whether this is a floating-point type */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
    }

    /**
     * The numpy {@code descr} string (little-endian) of this type.
     *
     * @return the descr, e.g. {@code <f4}
     * @throws SparxException for bfloat16, which numpy has no type for
     */
    public String numpyDescr() {
        if (numpyDescr == null) {
            throw new SparxException("dtype " + displayName + " has no numpy equivalent");
        }
        return numpyDescr;
    }

    /**
     * Finds the type of a numpy {@code descr} string.
     *
     * @param descr e.g. {@code <f4}, {@code |u1}
     * @return the type
     * @throws SparxException for big-endian or unsupported descrs
     */
    public static DType fromNumpyDescr(String descr) {
        String normalized = descr.replace('=', '<');
        for (DType t : values()) {
            if (t.numpyDescr != null
                    && (t.numpyDescr.equals(normalized)
                            || t.numpyDescr.substring(1).equals(normalized.substring(1))
                                    && normalized.charAt(0) == '|')) {
                return t;
            }
        }
        if (normalized.startsWith(">")) {
            throw new SparxException("big-endian numpy data '" + descr + "' is not supported");
        }
        throw new SparxException("unsupported numpy dtype '" + descr + "'");
    }

    /**
     * Finds the type by its display name.
     *
     * @param name e.g. {@code float16}
     * @return the type
     * @throws SparxException if the name is unknown
     */
    public static DType fromName(String name) {
        for (DType t : values()) {
            if (t.displayName.equals(name)) {
                return t;
            }
        }
        throw new SparxException("unknown dtype '" + name + "'");
    }
}
