/*
 * The fused cross scan / selective scan / cross merge as a CUDA kernel.
 *
 * One warp per (batch b, channel c): the warp owns output row (b, c), so the four directions add
 * into it one after another without atomics, and the permuted copies of the cross scan are never
 * made: a direction is only an order in which to visit the row's positions.
 *
 * Within a direction the L steps are cut into 32 contiguous chunks, one per lane. The recurrence
 * h_t = dA_t h_{t-1} + x_t maps a chunk's incoming state h to P h + S, and such maps compose
 * associatively, (P1, S1) then (P2, S2) = (P1 P2, P2 S1 + S2). So each lane summarises its chunk
 * (pass 1), a warp-wide inclusive scan of the summaries gives every chunk its incoming state, and
 * each lane replays its chunk from there, adding y_t = C_t h_t into the output (pass 2). The
 * elementwise terms are computed in both passes rather than stored.
 *
 * Precision follows the CPU kernel: dA is formed as 1 + expm1(dt A) in double and the state is
 * carried in double, so slow decays (dA near 1) do not accumulate float32 rounding over long rows.
 */
#include "cross_scan_cuda.h"

namespace {

constexpr int kDirections = 4;
constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 4;
constexpr unsigned kFullMask = 0xffffffffu;

/* torch.nn.functional.softplus with beta 1 and threshold 20 */
__device__ __forceinline__ float softplus(float x) {
    return x > 20.0f ? x : log1pf(expf(x));
}

/* the spatial index h*W + w that direction k visits at step t */
__device__ __forceinline__ int64_t position(int k, int64_t t, int64_t height, int64_t width) {
    int64_t s = k >= 2 ? height * width - 1 - t : t;
    if ((k & 1) == 0) {
        return s;
    }
    return (s % height) * width + s / height;
}

/* The step at position p: its decay dA (returned) and input x = dt B u. */
struct Step {
    const float *delta, *b, *u;
    float bias, a;

    __device__ __forceinline__ double decay(int64_t p, double *x) const {
        float dt = softplus(delta[p] + bias);
        *x = static_cast<double>(dt * b[p] * u[p]);
        return 1.0 + static_cast<double>(expm1f(dt * a));
    }
};

__global__ void cross_scan_merge_kernel(sparx_scan_args s) {
    const int64_t warp = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (warp >= s.batch * s.channels) {
        return; /* the whole warp leaves together */
    }
    const int64_t batch = warp / s.channels;
    const int64_t channel = warp % s.channels;
    const int64_t length = s.height * s.width;
    const float *u = s.u + (batch * s.channels + channel) * length;
    float *out = s.out + (batch * s.channels + channel) * length;

    float skip = 0.0f;
    for (int k = 0; k < kDirections; k++) {
        skip += s.d[k * s.channels + channel];
    }
    for (int64_t p = lane; p < length; p += kWarp) {
        out[p] = skip * u[p];
    }
    __syncwarp();

    const int64_t chunk = (length + kWarp - 1) / kWarp;
    const int64_t first = min(length, lane * chunk);
    const int64_t last = min(length, first + chunk);
    for (int k = 0; k < kDirections; k++) {
        const int64_t kc = k * s.channels + channel;
        for (int64_t n = 0; n < s.state; n++) {
            const int64_t projection = ((batch * kDirections + k) * s.state + n) * length;
            const Step step{s.delta + ((batch * kDirections + k) * s.channels + channel) * length,
                            s.b + projection, u, s.bias[kc], s.a[kc * s.state + n]};
            const float *c = s.c + projection;

            double product = 1.0;
            double state = 0.0;
            for (int64_t t = first; t < last; t++) {
                double x;
                double decay = step.decay(position(k, t, s.height, s.width), &x);
                product *= decay;
                state = decay * state + x;
            }
            for (int offset = 1; offset < kWarp; offset <<= 1) {
                double earlier_product = __shfl_up_sync(kFullMask, product, offset);
                double earlier_state = __shfl_up_sync(kFullMask, state, offset);
                if (lane >= offset) {
                    state = product * earlier_state + state;
                    product *= earlier_product;
                }
            }
            double h = __shfl_up_sync(kFullMask, state, 1);
            if (lane == 0) {
                h = 0.0;
            }
            for (int64_t t = first; t < last; t++) {
                int64_t p = position(k, t, s.height, s.width);
                double x;
                h = step.decay(p, &x) * h + x;
                out[p] += static_cast<float>(c[p] * h);
            }
            __syncwarp();
        }
    }
}

}  // namespace

cudaError_t sparx_cuda_cross_scan_merge(const sparx_scan_args &args, cudaStream_t stream) {
    const int64_t warps = args.batch * args.channels;
    const int64_t blocks = (warps + kWarpsPerBlock - 1) / kWarpsPerBlock;
    if (blocks == 0) {
        return cudaSuccess;
    }
    if (blocks > 0x7fffffff) {
        return cudaErrorInvalidValue;
    }
    cross_scan_merge_kernel<<<static_cast<unsigned>(blocks), kWarpsPerBlock * kWarp, 0, stream>>>(args);
    return cudaGetLastError();
}
