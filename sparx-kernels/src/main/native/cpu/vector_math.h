/*
 * The float vectors (GCC vector extensions) and the exponential the CPU kernels share. Included by
 * each kernel's source, which compiles it for several instruction sets (isa.h). 8 lanes, or 16 in
 * a source compiled for AVX-512 alone with SPARX_WIDE (build.sh; the depthwise convolution's wide
 * maps).
 */
#ifndef SPARX_VECTOR_MATH_H
#define SPARX_VECTOR_MATH_H

#include <stdint.h>
#include <string.h>
#include <xmmintrin.h>

#ifdef SPARX_WIDE
#define LANES 16
#else
#define LANES 8
#endif

typedef float vf __attribute__((vector_size(LANES * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(LANES * sizeof(int32_t))));
/* half a vector's lanes in double */
typedef double vd4 __attribute__((vector_size(LANES / 2 * sizeof(double))));

#define INLINE static inline __attribute__((always_inline))

INLINE vf splat(float x) {
#if LANES == 8
    return (vf){x, x, x, x, x, x, x, x};
#else
    return (vf){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
#endif
}

/* {0, 1, ..., LANES - 1} */
INLINE vi lane_index(void) {
    vi v;
    for (int i = 0; i < LANES; i++) {
        v[i] = i;
    }
    return v;
}

INLINE vf pick(vi mask, vf yes, vf no) {
    return (vf) ((mask & (vi) yes) | (~mask & (vi) no));
}

INLINE vf load_unaligned(const float *p) {
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store_unaligned(float *p, vf v) {
    memcpy(p, &v, sizeof v);
}

/*
 * The range reduction of Cephes' expf for x <= 88.7: x = n ln2 + r with |r| <= ln2 / 2 (ln2
 * split in two parts so the reduction is exact); e^r - 1 = r + r^2 P(r) with Cephes' degree-5 P.
 * Then e^x = 2^n (1 + em1) and e^x - 1 = 2^n em1 + (2^n - 1), both without cancellation.
 */
typedef struct {
    vf scale; /* 2^n */
    vf em1;   /* e^r - 1 */
} exp_parts;

INLINE exp_parts reduce_exp(vf x) {
    /* round to nearest by the 1.5 * 2^23 trick: exact for |v| < 2^22 */
    vf n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    vf r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    exp_parts parts = {(vf) ((__builtin_convertvector(n, vi) + 127) << 23), p * (r * r) + r};
    return parts;
}

/*
 * Results below FLT_MIN are flushed (e^x to 0, e^x - 1 to -1) rather than made subnormal:
 * subnormal arithmetic is very slow on x86, and the difference is under 1.2e-38.
 */
#define UNDERFLOW_BOUND -87.33654475f
#define OVERFLOW_BOUND 88.7228390f

/* e^x for x <= 0 (the only range the softplus needs). NaN stays NaN. */
INLINE vf v_exp_nonpositive(vf x) {
    exp_parts e = reduce_exp(x);
    return pick(x < UNDERFLOW_BOUND, splat(0.0f), e.scale * e.em1 + e.scale);
}

/* e^x - 1 for any x, accurate near 0; +inf above ln(FLT_MAX). NaN stays NaN. */
INLINE vf v_expm1(vf x) {
    vi overflow = x > OVERFLOW_BOUND;
    exp_parts e = reduce_exp(pick(overflow, splat(0.0f), x));
    vf result = e.scale * e.em1 + (e.scale - 1.0f);
    result = pick(x < UNDERFLOW_BOUND, splat(-1.0f), result);
    return pick(overflow, splat(__builtin_inff()), result);
}

/* e^x for any x: +inf above ln(FLT_MAX), 0 below FLT_MIN. NaN stays NaN. */
INLINE vf v_exp(vf x) {
    vi overflow = x > OVERFLOW_BOUND;
    exp_parts e = reduce_exp(pick(overflow, splat(0.0f), x));
    vf result = pick(x < UNDERFLOW_BOUND, splat(0.0f), e.scale * e.em1 + e.scale);
    return pick(overflow, splat(__builtin_inff()), result);
}

/*
 * Sets MXCSR's flush-to-zero and denormals-are-zero for the calling thread and returns the previous
 * MXCSR for sparx_restore_mxcsr. Subnormal operands or results cost a microcode assist each:
 * measured, the scan ran 5x slower when delta reached -90, and the depthwise convolution 65x slower
 * (16.5 against 0.25 ms for (96, 56, 56)) on subnormal inputs. Flushing changes values by under
 * 1.2e-38. Kernels restore the caller's MXCSR, since the JVM's arithmetic needs subnormals.
 */
static inline unsigned int sparx_flush_subnormals(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040u);
    return previous;
}

static inline void sparx_restore_mxcsr(unsigned int previous) {
    _mm_setcsr(previous);
}

#endif
