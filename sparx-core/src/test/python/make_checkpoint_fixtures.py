"""Makes the checkpoint fixtures under src/test/resources/checkpoint/generated.

Run by hand with torch 1.13 (Debian's python3-torch) and numpy; the Java tests only read the
files it writes. Each file exercises a part of the reader that the shared golden files do not:
pickle protocols 1 and 4, tensors rebuilt through Parameter and _rebuild_from_type_v2, the plain
Python values checkpoints carry, a deflate-compressed archive, a big-endian byteorder record, and
a .safetensors file written from the format's specification (not by the Java writer), and
the EMA weights of the golden timm checkpoint as torch reads them, and torch's float casts.

    /usr/bin/python3 sparx-core/src/test/python/make_checkpoint_fixtures.py
"""
import collections
import io
import json
import os
import struct
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "checkpoint", "generated")
GOLDEN = os.path.join(HERE, "..", "resources", "checkpoint", "golden")


def small_state_dict():
    g = torch.Generator().manual_seed(7)
    sd = collections.OrderedDict()
    sd["w"] = torch.randn(3, 4, generator=g)
    sd["h"] = torch.randn(2, 3, generator=g).half()
    sd["b"] = torch.randn(5, generator=g).bfloat16()
    sd["i"] = torch.arange(-3, 3, dtype=torch.int16)
    sd["t"] = torch.randn(4, 3, generator=g).t()
    sd["n"] = torch.tensor(7, dtype=torch.int64)
    return sd


def save_npz(name, sd):
    arrays = {}
    for k, v in sd.items():
        v = v.contiguous()
        if v.dtype in (torch.float16, torch.bfloat16):
            v = v.float()
        arrays[k] = v.numpy()
    np.savez(os.path.join(OUT, name), **arrays)


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = small_state_dict()
    save_npz("small_expected.npz", sd)
    torch.save(sd, os.path.join(OUT, "small_proto1.pth"), pickle_protocol=1)
    torch.save(sd, os.path.join(OUT, "small_proto4.pth"), pickle_protocol=4)
    torch.save(sd, os.path.join(OUT, "small_legacy_proto4.pth"), pickle_protocol=4,
               _use_new_zipfile_serialization=False)

    # tensors rebuilt through Parameter and through _rebuild_from_type_v2 (a tensor with attributes)
    p = torch.nn.Parameter(sd["w"].clone())
    tagged = sd["i"].clone()
    tagged.note = "tagged"
    objects = {
        "param": p,
        "tagged": tagged,
        "bytes": b"\x00\xffab",
        "set": {1, 2, 3},
        "frozen": frozenset(["a"]),
        "size": torch.Size([2, 3]),
        "device": torch.device("cpu"),
        "np_float": np.float64(0.25),
        "np_int": np.int64(-5),
        "none": None,
        "float": 1.5,
        "big": 2 ** 80,
        "nested": [1, (2, "three"), {"k": [4.0]}],
        "text": "naïve ☃",
    }
    torch.save(objects, os.path.join(OUT, "objects.pth"))

    # the golden state dict re-compressed with deflate (torch never writes this, zip tools may)
    src = zipfile.ZipFile(os.path.join(GOLDEN, "state_dict.pth"))
    with zipfile.ZipFile(os.path.join(OUT, "state_dict_deflated.pth"), "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))

    # torch 2's records with a big-endian byteorder: must be refused, not misread
    src = zipfile.ZipFile(os.path.join(GOLDEN, "state_dict_torch2_records.pth"))
    with zipfile.ZipFile(os.path.join(OUT, "big_endian.pth"), "w") as z:
        for info in src.infolist():
            data = b"big" if info.filename.endswith("/byteorder") else src.read(info.filename)
            z.writestr(info.filename, data)

    write_safetensors(os.path.join(OUT, "small.safetensors"), sd)

    # torch's float casts, for `checkpoint convert --dtype`: bfloat16 stored as its int16 bits
    g = torch.Generator().manual_seed(3)
    x32 = torch.cat([torch.randn(2000, generator=g) * 10, torch.randn(200, generator=g) * 1e-6,
                     torch.tensor([70000.0, -65520.0, 65519.0, 1e-8, 0.0, -0.0, float("inf"), 3.0e38])])
    x64 = x32.double() * (1 + 1e-9)
    np.savez(os.path.join(OUT, "cast_expected.npz"),
             x32=x32.numpy(), x64=x64.numpy(),
             x32_f16=x32.half().numpy(), x64_f16=x64.half().numpy(),
             x32_bf16=x32.bfloat16().view(torch.int16).numpy(), x64_bf16=x64.bfloat16().view(torch.int16).numpy())

    # the EMA weights of the golden timm training checkpoint, as torch reads them
    ckpt = torch.load(os.path.join(GOLDEN, "timm_train_checkpoint.pth.tar"))
    save_npz("timm_ema_expected.npz", ckpt["state_dict_ema"])


def write_safetensors(path, sd):
    """The format from its specification: header length, JSON header, data; header order differs
    from data order to show that readers follow data_offsets."""
    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int8: "I8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64",
             torch.uint8: "U8", torch.bool: "BOOL"}
    header = {"__metadata__": {"format": "pt", "source": "make_checkpoint_fixtures.py"}}
    data = io.BytesIO()
    for k in reversed(list(sd)):
        v = sd[k].contiguous()
        raw = v.view(torch.int16).numpy().tobytes() if v.dtype == torch.bfloat16 else v.numpy().tobytes()
        header[k] = {"dtype": codes[v.dtype], "shape": list(v.shape),
                     "data_offsets": [data.tell(), data.tell() + len(raw)]}
        data.write(raw)
    order = ["__metadata__"] + list(sd)
    text = json.dumps({k: header[k] for k in order}).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data.getvalue())


if __name__ == "__main__":
    main()
