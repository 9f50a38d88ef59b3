package dev.sparx.core.checkpoint;

/** Turns a problem into an exception whose message names the file (and where in it). */
@FunctionalInterface
interface ErrorSink {
    /**
     * @param problem what is wrong
     * @return the exception to throw
     */
    CheckpointException error(String problem);
}
