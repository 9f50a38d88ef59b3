"""
The four-direction cross scan and its merge in plain PyTorch, for the authors' Triton kernels
(which need a GPU): directions 0 and 1 read the map row by row and column by column, 2 and 3 the
same reversed (docs/model.md); the merge adds each direction's output back at its own positions.
"""
import torch


class CrossScanTriton:
    @staticmethod
    def apply(x):
        """(B, C, H, W) -> (B, 4, C, H*W)"""
        rows = x.flatten(2)
        columns = x.transpose(2, 3).flatten(2)
        forward = torch.stack([rows, columns], dim=1)
        return torch.cat([forward, forward.flip(-1)], dim=1)


class CrossMergeTriton:
    @staticmethod
    def apply(ys):
        """(B, 4, D, H, W), each direction in its own reading order -> (B, D, H*W) in row order"""
        b, k, d, h, w = ys.shape
        ys = ys.reshape(b, k, d, h * w)
        y = ys[:, 0:2] + ys[:, 2:4].flip(-1)
        return y[:, 0] + y[:, 1].reshape(b, d, w, h).transpose(2, 3).reshape(b, d, h * w)
