#!/usr/bin/env python3
"""REST API benchmark: starts the release chuda on an empty data directory, creates an operator token,
upserts N users in one JSON request, then times a 2-condition segment count and 20 cursor pages of
members through /api/v1. Usage: scripts/bench-api.py [users] (needs target/release/chuda)."""
import json, random, subprocess, time, urllib.request, http.cookiejar, os, sys, tempfile, shutil

BINARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "chuda")
random.seed(1)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
cities = ["上海", "北京", "广州", "深圳", "杭州"]
users = [{"user_id": f"u{i}", "phone": str(13800000000 + i), "city": cities[i % 5], "points": i % 1000,
          "vip": i % 3 == 0} for i in range(N)]
body = json.dumps(users, ensure_ascii=False).encode()
d = tempfile.mkdtemp()
env = dict(os.environ, CHUDA__AUTH__ADMIN_PASSWORD="bench-admin-pw-1", CHUDA__API__RATE_PER_MINUTE="0")
srv = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:3998"], cwd=d, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen("http://127.0.0.1:3998/login"); break
        except Exception:
            time.sleep(0.1)
    cj = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
    op.open(urllib.request.Request("http://127.0.0.1:3998/api/auth/login", data=b"username=admin&password=bench-admin-pw-1"))
    req = urllib.request.Request("http://127.0.0.1:3998/api/tokens/create", data=json.dumps({"name": "bench", "role": "operator"}).encode(),
                                 headers={"content-type": "application/json"})
    token = json.loads(op.open(req).read())["token"]
    auth = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    t = time.time()
    r = json.loads(urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:3998/api/v1/users", data=body, headers=auth)).read())
    dt = time.time() - t
    print(f"upsert {N} users ({len(body)/1e6:.1f} MB JSON) in one request: {dt:.2f} s = {N/dt:,.0f} users/s; new={r['users_new']} bad={r['rows_bad']}")
    rule = {"kind": "all", "rules": [{"kind": "cond", "attribute": "city", "op": "in", "values": ["上海", "北京"]},
            {"kind": "cond", "attribute": "vip", "op": "eq", "values": ["是"]}]}
    seg = json.loads(urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:3998/api/v1/segments",
          data=json.dumps({"name": "bench", "rule": rule}).encode(), headers=auth)).read())
    times = []
    for _ in range(20):
        t = time.time()
        c = json.loads(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:3998/api/v1/segments/{seg['id']}/count", headers=auth)).read())
        times.append(time.time() - t)
    times.sort()
    print(f"GET /segments/id/count ({c['members']} members): median {times[10]*1000:.1f} ms, max {times[-1]*1000:.1f} ms")
    times = []
    cursor = ""
    for _ in range(20):
        t = time.time()
        p = json.loads(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:3998/api/v1/segments/{seg['id']}/members?limit=500&cursor={cursor}", headers=auth)).read())
        times.append(time.time() - t)
        cursor = p["next_cursor"] or ""
    times.sort()
    print(f"GET members pages of 500 (20 pages): median {times[10]*1000:.1f} ms, max {times[-1]*1000:.1f} ms")
finally:
    srv.terminate(); srv.wait(); shutil.rmtree(d, ignore_errors=True)
