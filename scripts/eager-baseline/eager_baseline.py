#!/usr/bin/env python3
"""
Issue 4's baseline: the authors' SparX-Mamba (their models/sparx_mamba.py, unmodified) in PyTorch
eager on the CPU, with pure-PyTorch stand-ins for what needs a GPU or is not in Debian (shims/:
the selective scan as a per-token loop, the cross scan and merge, einops, timm's three names) and
scaled_dot_product_attention where torch is older than 2.0. For timing `scripts/sparx benchmark`
against, interleaved, on the same machine in the same hour (docs/performance.md).

  eager_baseline.py --authors-model PATH/sparx_mamba.py check GOLDEN_CASE_DIR
      the stand-ins reproduce a golden case (../shared/golden/tiny_t) to float32 rounding
  eager_baseline.py --authors-model PATH/sparx_mamba.py time [--model sparx_mamba_t] [--batch 1]
                    [--threads 2] [--runs 11] [--warmup 2]
      one JSON line: median and fastest latency, peak RSS

Needs python3 and torch (Debian: apt-get install python3-torch, torch 1.13); not the project's
build or tests.
"""
import argparse
import importlib.util
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

SHIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'shims')


def scaled_dot_product_attention(q, k, v):
    """torch 2.0's, without mask or dropout: softmax(q k^T / sqrt(E)) v."""
    return torch.softmax(q @ k.transpose(-2, -1) / (q.shape[-1] ** 0.5), dim=-1) @ v


def load_authors_model(path):
    if not os.path.isfile(path):
        sys.exit(f"--authors-model {path}: no such file (models/sparx_mamba.py of LMMMEng/SparX)")
    # the real einops and timm win where installed; the stand-ins fill in what is missing
    sys.path.append(SHIMS)
    if not hasattr(F, 'scaled_dot_product_attention'):
        F.scaled_dot_product_attention = scaled_dot_product_attention
    spec = importlib.util.spec_from_file_location('authors_sparx_mamba', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(module, case_dir):
    case = json.load(open(os.path.join(case_dir, 'case.json')))['config']
    net = module.SparXMamba(depths=case['depths'], dims=case['dims'], sr_ratio=case['sr_ratio'],
                            stem_type=case.get('stem_type', 'v1'), dense_config=case['dense_config'],
                            num_classes=case['num_classes']).eval()
    net.load_state_dict(torch.load(os.path.join(case_dir, 'weights.pth'), map_location='cpu'))
    x = torch.from_numpy(np.load(os.path.join(case_dir, 'input.npy')))
    expected = np.load(os.path.join(case_dir, 'logits.npy'))
    logits = net(x).numpy().astype(np.float64)
    error = np.linalg.norm(logits - expected) / np.linalg.norm(expected)
    print(json.dumps({'case': case_dir, 'logits_relative_l2': float(error)}))
    # the authors' model itself in float32 lands within 7e-7 of these float64 references
    return 0 if error < 1e-6 else 1


def time_passes(module, args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = getattr(module, args.model)().eval()
    x = torch.randn(args.batch, 3, args.img_size, args.img_size)
    for _ in range(args.warmup):
        net(x)
    ms = []
    for _ in range(args.runs):
        start = time.perf_counter()
        net(x)
        ms.append((time.perf_counter() - start) * 1e3)
    ms.sort()
    median = ms[len(ms) // 2] if len(ms) % 2 else (ms[len(ms) // 2 - 1] + ms[len(ms) // 2]) / 2
    print(json.dumps({'model': args.model, 'implementation': f'authors, PyTorch {torch.__version__} eager',
                      'batch': args.batch, 'img_size': args.img_size, 'threads': torch.get_num_threads(),
                      'images_per_s': round(args.batch * 1000 / median, 3), 'latency_ms_median': round(median, 1),
                      'latency_ms_min': round(ms[0], 1), 'runs': args.runs,
                      'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--authors-model', required=True, help="the authors' models/sparx_mamba.py")
    commands = parser.add_subparsers(dest='command', required=True)
    c = commands.add_parser('check', help='reproduce a golden case')
    c.add_argument('case_dir')
    t = commands.add_parser('time', help='time forward passes')
    t.add_argument('--model', default='sparx_mamba_t', choices=['sparx_mamba_t', 'sparx_mamba_s', 'sparx_mamba_b'])
    t.add_argument('--batch', type=int, default=1)
    t.add_argument('--img-size', type=int, default=224)
    t.add_argument('--threads', type=int, default=2)
    t.add_argument('--runs', type=int, default=11)
    t.add_argument('--warmup', type=int, default=2)
    args = parser.parse_args()
    module = load_authors_model(args.authors_model)
    torch.set_grad_enabled(False)
    return check(module, args.case_dir) if args.command == 'check' else time_passes(module, args)


if __name__ == '__main__':
    sys.exit(main())
