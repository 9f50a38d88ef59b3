package dev.sparx.kernels;

/**
 * A limit on the instruction set the CPU kernels use, for tests and benchmarks of each compiled
 * copy: the kernels run the best the processor has up to the limit (AVX-512, AVX2, or baseline
 * SSE2; native/cpu/isa.h). The ordinal is the native side's number.
 */
enum IsaLimit {
    /** the best the processor has */
    NONE,
    /** at most x86-64-v3 (AVX2, FMA) */
    AVX2,
    /** baseline x86-64 (SSE2) */
    BASELINE
}
