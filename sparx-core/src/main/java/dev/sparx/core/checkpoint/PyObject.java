package dev.sparx.core.checkpoint;

/**
 * An instance of an allowlisted Python class, kept as a plain record: its class name, the arguments
 * it was created with, and the state a pickle {@code BUILD} gave it. For {@code argparse.Namespace}
 * the state is the dict of its attributes. No Python code is run to create one.
 */
public final class PyObject {

    private final String className;
    private final PyTuple args;
    private Object state;

    /**
     * @param className the qualified class name, e.g. {@code argparse.Namespace}
     * @param args the constructor arguments as pickled
     */
    public PyObject(String className, PyTuple args) {
        this.className = className;
        this.args = args;
    }

    /** @return the qualified class name */
    public String className() {
        return className;
    }

    /** @return the constructor arguments as pickled */
    public PyTuple args() {
        return args;
    }

    /** @return the state set by {@code BUILD} (a dict for a Namespace), or {@code null} */
    public Object state() {
        return state;
    }

    /**
     * @param state the state a pickle's {@code BUILD} gives the object
     */
    void setState(Object state) {
        this.state = state;
    }

    @Override
    public String toString() {
        return className;
    }
}
