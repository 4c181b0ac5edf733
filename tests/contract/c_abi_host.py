"""The facade through the C ABI (libacmepolicy.so, loaded with ctypes): each call of calls.py answered as the
JSON document the library hands back. Every function takes (text, length) pairs then the output buffers."""

import ctypes
import json


class Buffer(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class CAbi:
    def __init__(self, library):
        self.lib = ctypes.CDLL(library)
        self.lib.acmepolicy_free.argtypes = [ctypes.POINTER(Buffer)]

    def _take(self, buffer):
        data = ctypes.string_at(buffer.data, buffer.len) if buffer.data else b""
        self.lib.acmepolicy_free(ctypes.byref(buffer))
        return data

    def answer(self, function, inputs):
        """(status, parsed JSON answer) of acmepolicy_<function>."""
        name = "version_json" if function == "version" else function
        fn = getattr(self.lib, "acmepolicy_" + name)
        args = []
        keep = []
        for text in inputs:
            data = text.encode()
            keep.append(data)
            args += [ctypes.c_char_p(data), ctypes.c_size_t(len(data))]
        out_json = Buffer()
        args.append(ctypes.byref(out_json))
        out_bytes = Buffer()
        if function == "render":
            args.append(ctypes.byref(out_bytes))
        fn.restype = ctypes.c_int
        status = fn(*args)
        document = json.loads(self._take(out_json))
        if function == "render":
            self._take(out_bytes)
        return status, document
