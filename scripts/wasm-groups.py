#!/usr/bin/env python3
"""Groups a twiggy `top -f csv` table into where the WASM code comes from: the custom
sections, the async hydration half of `AnyView`, the other hydration code, server functions'
(de)serialization, chuda's own views, and the rest by crate. Usage: wasm-groups.py FILE.wasm"""
import csv, io, re, subprocess, sys
from collections import Counter

out = subprocess.run(["twiggy", "top", "-f", "csv", sys.argv[1]], check=True, capture_output=True, text=True).stdout
groups = Counter()
total = 0
for row in csv.DictReader(io.StringIO(out)):
    name, size = row["Name"], int(row["ShallowSize"])
    total += size
    if "section" in name or name.startswith('"function names"'):
        key = "custom sections (names, debug, wasm-bindgen; removed when shipped)"
    elif "hydrate_async" in name:
        key = "async hydration (hydrate_async)"
    elif "hydrate" in name:
        key = "sync hydration (hydrate)"
    elif re.search(r"serde|Deserializ|Serializ", name):
        key = "serde (server-function arguments and answers)"
    elif name.startswith("<app[") or name.startswith("app["):
        key = "chuda views (app)"
    else:
        m = re.search(r"([a-z_0-9]+)\[[0-9a-f]+\]", name)
        key = f"crate {m.group(1)}" if m else "other (data, elem, unnamed)"
    groups[key] += size
custom = sum(v for k, v in groups.items() if k.startswith("custom"))
code = total - custom
print(f"{'bytes':>10}  {'% code':>6}  group")
for key, size in groups.most_common(18):
    share = "" if key.startswith("custom") else f"{100 * size / code:>5.1f}%"
    print(f"{size:>10}  {share:>6}  {key}")
print(f"{code:>10}  100.0%  code and data (what wasm-opt starts from)")
