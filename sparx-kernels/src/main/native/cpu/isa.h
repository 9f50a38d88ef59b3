/*
 * The instruction sets the CPU kernels are compiled for, and the choice among them at run time.
 * The library is built for baseline x86-64; each kernel's task function is compiled twice more,
 * through target attributes, for x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512). The source is the
 * same 8-lane vector code: with AVX-512 the compiler has 32 vector registers, mask registers and
 * three-input logic for the same work (measured, one thread: the depthwise 5x5 with SiLU over
 * (192, 56, 56) 1.9-2.0 -> 1.6-1.8 ms, three alternating rounds; the scan's stage-1 call 7.4-9.4 ->
 * 6.2-6.4 ms in one pair of rounds and no different in another). The depthwise convolution's
 * source is also compiled once more, for x86-64-v4 alone and with 16-lane vectors (SPARX_WIDE),
 * for the maps wide enough to fill them (depthwise.c).
 */
#ifndef SPARX_ISA_H
#define SPARX_ISA_H

#include "thread_pool.h"

/* A caller's limit on the instruction set (as NativeKernels' ISA_* constants). */
enum { SPARX_ISA_LIMIT_NONE = 0, SPARX_ISA_LIMIT_AVX2 = 1, SPARX_ISA_LIMIT_BASELINE = 2 };

/* The x86-64 level a kernel runs at under `limit` on this processor: 4, 3, or 1 (baseline). */
static inline int sparx_isa_level(int limit) {
    __builtin_cpu_init();
    if (limit == SPARX_ISA_LIMIT_NONE && __builtin_cpu_supports("x86-64-v4")) {
        return 4;
    }
    if (limit != SPARX_ISA_LIMIT_BASELINE && __builtin_cpu_supports("x86-64-v3")) {
        return 3;
    }
    return 1;
}

/* The level's name, for logs. */
static inline const char *sparx_isa_name(int level) {
    return level == 4 ? "x86-64-v4 (AVX-512)" : level == 3 ? "x86-64-v3 (AVX2, FMA)" : "x86-64 baseline (SSE2)";
}

#ifdef SPARX_WIDE
/*
 * A source compiled for x86-64-v4 alone (its -march, with 16-lane vectors; build.sh): one level,
 * task##_v4, which task##_at returns whatever the level asked.
 */
#define SPARX_TASK_AT_EVERY_LEVEL(task)                                                              \
    static void task##_v4(void *arg, int64_t t, int worker) {                                       \
        task(arg, t, worker);                                                                       \
    }                                                                                               \
    static sparx_task_fn task##_at(int level) {                                                     \
        (void) level;                                                                               \
        return task##_v4;                                                                           \
    }
#else
/*
 * Defines task##_v4, task##_v3 and task##_baseline, each the always-inline task function `task`
 * compiled for its level, and task##_at(level) returning the one to run.
 */
#define SPARX_TASK_AT_EVERY_LEVEL(task)                                                              \
    __attribute__((target("arch=x86-64-v4"))) static void task##_v4(void *arg, int64_t t, int worker) { \
        task(arg, t, worker);                                                                       \
    }                                                                                               \
    __attribute__((target("arch=x86-64-v3"))) static void task##_v3(void *arg, int64_t t, int worker) { \
        task(arg, t, worker);                                                                       \
    }                                                                                               \
    static void task##_baseline(void *arg, int64_t t, int worker) {                                 \
        task(arg, t, worker);                                                                       \
    }                                                                                               \
    static sparx_task_fn task##_at(int level) {                                                     \
        return level == 4 ? task##_v4 : level == 3 ? task##_v3 : task##_baseline;                   \
    }
#endif

#endif
