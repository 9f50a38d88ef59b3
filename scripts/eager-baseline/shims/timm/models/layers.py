"""timm's DropPath: the model builds one only for a drop-path rate above 0, which a timing never uses."""
import torch.nn as nn


class DropPath(nn.Identity):
    def __init__(self, drop_prob=0.0):
        super().__init__()
        if drop_prob > 0:
            raise NotImplementedError("this stand-in is for evaluation only (drop_path_rate 0)")
