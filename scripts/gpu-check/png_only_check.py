"""Checks the PNG-only image library (libsrimage built with SRTRAIN_IMAGE_OPENCV=OFF, the one the GPU check kit carries)
against the default OpenCV build, through their C exports (ctypes): every PNG given decodes to the same stored values
in every read mode (RGB, RGBA, gray, unchanged), or fails in both; a PNG the PNG-only build encodes decodes to the
quantised input in the OpenCV build; other formats fail with an error that names the build.

Usage: python3 png_only_check.py OPENCV_LIB PNG_ONLY_LIB FILE...    (exit status 0 when all agree)
"""
import ctypes
import os
import sys

MODES = {0: "rgb", 1: "rgba", 2: "gray", 3: "unchanged"}


def load(path):
    lib = ctypes.CDLL(os.path.abspath(path), mode=ctypes.RTLD_LOCAL)
    lib.srt_image_last_error.restype = ctypes.c_char_p
    lib.srt_image_decode.argtypes = [ctypes.c_char_p, ctypes.c_int64, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)] + \
        [ctypes.POINTER(ctypes.c_int)] * 4
    lib.srt_image_to_raw.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    lib.srt_image_free.argtypes = [ctypes.c_void_p]
    lib.srt_image_encode.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                     ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64)]
    lib.srt_image_buffer_free.argtypes = [ctypes.c_void_p]
    return lib


def decode(lib, data, mode):
    img, h, w, c, bits = ctypes.c_void_p(), ctypes.c_int(), ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    if lib.srt_image_decode(data, len(data), mode, ctypes.byref(img), ctypes.byref(h), ctypes.byref(w), ctypes.byref(c),
                            ctypes.byref(bits)) != 0:
        return None, lib.srt_image_last_error().decode()
    size = h.value * w.value * c.value * bits.value // 8
    buf = ctypes.create_string_buffer(size)
    rc = lib.srt_image_to_raw(img, buf, size)
    lib.srt_image_free(img)
    if rc != 0:
        return None, lib.srt_image_last_error().decode()
    return (h.value, w.value, c.value, bits.value, buf.raw), None


def encode_png(lib, shape, values):
    h, w, c = shape
    floats = (ctypes.c_float * len(values))(*values)
    buf, length = ctypes.c_void_p(), ctypes.c_int64()
    if lib.srt_image_encode(b".png", floats, h, w, c, 8, 95, 3, ctypes.byref(buf), ctypes.byref(length)) != 0:
        raise RuntimeError(lib.srt_image_last_error().decode())
    data = ctypes.string_at(buf, length.value)
    lib.srt_image_buffer_free(buf)
    return data


def main():
    opencv, png_only, files = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3:]
    failures, compared = [], 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        is_png = data[:8] == b"\x89PNG\r\n\x1a\n"
        for mode, mode_name in MODES.items():
            a, a_err = decode(opencv, data, mode)
            b, b_err = decode(png_only, data, mode)
            name = f"{os.path.basename(path)} ({mode_name})"
            if not is_png:
                if b is not None or "PNG only" not in (b_err or ""):
                    failures.append(f"{name}: the PNG-only build should refuse it naming the build, got {b_err!r}")
                continue
            if b is None and "EXIF" in (b_err or "") and mode != 3:
                continue  # the PNG-only build refuses EXIF orientation rather than ignore it (documented)
            compared += 1
            if (a is None) != (b is None):
                failures.append(f"{name}: OpenCV build {'failed: ' + a_err if a is None else 'decoded'}, "
                                f"PNG-only build {'failed: ' + b_err if b is None else 'decoded'}")
            elif a is not None and a != b:
                failures.append(f"{name}: decoded differently (OpenCV {a[:4]}, PNG-only {b[:4]}"
                                f"{', same shape, other values' if a[:4] == b[:4] else ''})")
    # Encode with the PNG-only build, decode with OpenCV's: the quantised values come back (RGB, RGBA, gray; 8-bit).
    for c in (1, 3, 4):
        h, w = 5, 7
        values = [((i * 37) % 256) / 255.0 for i in range(h * w * c)]
        png = encode_png(png_only, (h, w, c), values)
        got, err = decode(opencv, png, 3)
        want = bytes(round(v * 255) for v in values)
        if got is None or got[4] != want:  # srt_image_to_raw gives RGB(A) order: the stored bytes equal the input
            failures.append(f"encode {c} channels: OpenCV build read back {err or 'other values'}")
    try:
        encode_png_other = png_only.srt_image_encode(b".jpg", (ctypes.c_float * 3)(0, 0, 0), 1, 1, 3, 8, 95, 3,
                                                     ctypes.byref(ctypes.c_void_p()), ctypes.byref(ctypes.c_int64()))
        if encode_png_other == 0 or "PNG only" not in png_only.srt_image_last_error().decode():
            failures.append("encode .jpg: the PNG-only build should refuse it naming the build")
    except Exception as e:  # noqa: BLE001
        failures.append(f"encode .jpg: {e}")
    for f in failures:
        print(f"png-only: {f}")
    print(f"png-only: {compared} PNG decodes compared over {len(files)} files, 3 encodes, "
          f"{'OK' if not failures else f'{len(failures)} FAILED'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
