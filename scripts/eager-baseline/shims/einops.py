"""The einops patterns the authors' model file uses, as reshapes (einops is not in Debian)."""


def rearrange(x, pattern, **sizes):
    if pattern == 'b (c g) h w -> b (g c) h w':
        g = sizes['g']
        b, cg, h, w = x.shape
        return x.reshape(b, cg // g, g, h, w).transpose(1, 2).reshape(b, cg, h, w)
    if pattern == 'b c h w -> b (h w) c':
        b, c, h, w = x.shape
        return x.reshape(b, c, h * w).transpose(1, 2)
    if pattern == 'b (h w) c -> b c h w':
        b, hw, c = x.shape
        return x.transpose(1, 2).reshape(b, c, sizes['h'], sizes['w'])
    raise NotImplementedError(pattern)


def repeat(x, pattern, **sizes):
    if pattern == 'n -> d n':
        return x.unsqueeze(0).expand(sizes['d'], -1)
    if pattern in ('d n -> r d n', 'n1 -> r n1'):
        return x.unsqueeze(0).expand(sizes['r'], *x.shape)
    raise NotImplementedError(pattern)
