"""Golden fixtures for random erasing, from torchvision 0.14's F.erase (Debian python3-torchvision).

Run from the repository root:

    /usr/bin/python3 Keras.Preprocessing.Memory.Tests/Fixtures/random_erasing/generate_random_erasing.py

Each case erases a fixed rectangle (i, j, h, w) of a fixed image with a fixed value, as
torchvision.transforms.RandomErasing does once its draw is made; the C# test feeds the same
rectangle to ImageDataGenerator.apply_transform through the random-erasing keys. Images are
written as the generator sees them ((H, W, C) for channels_last, (C, H, W) for channels_first);
torchvision always erases a (C, H, W) tensor, so channels_last cases are transposed around it.
Deterministic: each case seeds numpy from a crc32 of its name.
"""
import json
import os
import zlib

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # name, (H, W, C), data_format, (i, j, h, w), value
    ("center_3ch_last", (9, 11, 3), "channels_last", (2, 3, 4, 5), 0.0),
    ("corner_top_left_1ch", (8, 8, 1), "channels_last", (0, 0, 3, 2), 0.5),
    ("corner_bottom_right_3ch", (7, 10, 3), "channels_last", (4, 6, 3, 4), -1.25),
    ("full_rows_4ch", (6, 5, 4), "channels_last", (0, 1, 6, 2), 2.0),
    ("single_pixel_3ch_first", (5, 6, 3), "channels_first", (2, 5, 1, 1), 0.75),
    ("wide_3ch_first", (10, 12, 3), "channels_first", (3, 0, 2, 11), 0.0),
    ("empty_rectangle", (6, 6, 3), "channels_last", (2, 2, 0, 3), 9.0),
]


def main():
    manifest = []
    for name, (h_img, w_img, c), data_format, (i, j, h, w), value in CASES:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        chw = rng.uniform(-1.0, 1.0, size=(c, h_img, w_img)).astype(np.float32)
        erased = F.erase(torch.from_numpy(chw.copy()), i, j, h, w, torch.tensor(value, dtype=torch.float32)).numpy()
        if data_format == "channels_last":
            image, expected = chw.transpose(1, 2, 0), erased.transpose(1, 2, 0)
        else:
            image, expected = chw, erased
        np.save(os.path.join(HERE, f"{name}_in.npy"), np.ascontiguousarray(image, dtype="<f4"))
        np.save(os.path.join(HERE, f"{name}_out.npy"), np.ascontiguousarray(expected, dtype="<f4"))
        manifest.append({
            "name": name,
            "image": f"random_erasing/{name}_in.npy",
            "expected": f"random_erasing/{name}_out.npy",
            "data_format": data_format,
            "i": i, "j": j, "h": h, "w": w, "value": value,
            "note": f"torchvision {torchvision.__version__} F.erase",
        })
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
