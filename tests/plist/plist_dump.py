"""Loads an XML plist with Python's plistlib and prints it as type-tagged JSON (an independent parser
for the plist tests). Usage: plist_dump.py FILE"""
import base64
import datetime
import json
import math
import plistlib
import sys


def tag(v):
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "integer", "v": v}
    if isinstance(v, float):
        return {"t": "real", "v": v if math.isfinite(v) else repr(v)}
    if isinstance(v, str):
        return {"t": "string", "v": v}
    if isinstance(v, bytes):
        return {"t": "data", "v": base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime):
        return {"t": "date", "v": v.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if isinstance(v, list):
        return {"t": "array", "v": [tag(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[k, tag(x)] for k, x in v.items()]}
    raise TypeError(type(v))


with open(sys.argv[1], "rb") as f:
    print(json.dumps(tag(plistlib.load(f)), ensure_ascii=True))
