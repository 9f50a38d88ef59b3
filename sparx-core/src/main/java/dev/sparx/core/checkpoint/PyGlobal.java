package dev.sparx.core.checkpoint;

/**
 * A reference to an allowlisted Python global (a function, class or constant named by a pickle's
 * {@code GLOBAL} opcode). Holding one does nothing; {@link SafeGlobals} gives each its meaning.
 */
public final class PyGlobal {

    private final String module;
    private final String name;
    private final SafeGlobals.Kind kind;

    PyGlobal(String module, String name, SafeGlobals.Kind kind) {
        this.module = module;
        this.name = name;
        this.kind = kind;
    }

    /** @return the module, e.g. {@code torch._utils} */
    public String module() {
        return module;
    }

    /** @return the name inside the module, e.g. {@code _rebuild_tensor_v2} */
    public String name() {
        return name;
    }

    /** @return {@code module.name} */
    public String qualifiedName() {
        return module + "." + name;
    }

    SafeGlobals.Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
