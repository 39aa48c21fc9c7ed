#!/usr/bin/env python3
"""Audience benchmark: the 1M-user import next to the sqlite3 CLI, and cold segment counts.

Generates N users × 10 columns (user_id, phone, name, city, level, points, vip, birthday,
signup_at, channel; fixed seed, ~95 MB for 1M), then in one run:
  1. `sqlite3 raw.db ".mode csv" ".import FILE users"` — the raw engine's time (the anchor);
  2. `chuda import users FILE` on an empty data directory (all-or-nothing, type inference, phone
     validation, duplicates and the attribute catalog included) — time, peak RSS, ratio;
  3. `chuda serve` on that data: start → ready (first HTTP answer), the first (cold) count of a
     3-condition segment and its first member page, warm figures, server RSS;
  4. restart → ready, cold count and first member page again (twice: count first, page first);
  5. an API upsert of 10,000 users (new `points`), then the next count and member page.
Usage: scripts/bench-audience.py [users] [--keep DIR] (needs target/release/chuda and sqlite3).
"""
import json, os, random, shutil, subprocess, sys, tempfile, time, urllib.request, http.cookiejar

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.path.join(ROOT, "target", "release", "chuda")
N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
PORT = 3997
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "bench-admin-pw-1"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉力宇欣怡子涵浩然梓轩雨桐思远"
CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "重庆", "武汉", "南京", "西安", "苏州", "天津", "长沙",
          "郑州", "青岛", "宁波", "厦门", "福州", "合肥", "济南"]
CHANNELS = ["app", "mini", "web", "store", "ads", "partner", "wechat", "douyin"]


def generate(path, n):
    rng = random.Random(20261204)
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as f:
        f.write("user_id,phone,name,city,level,points,vip,birthday,signup_at,channel\n")
        for i in range(n):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            y, m, d = 1960 + rng.randrange(46), 1 + rng.randrange(12), 1 + rng.randrange(28)
            sy, sm, sd = 2019 + rng.randrange(7), 1 + rng.randrange(12), 1 + rng.randrange(28)
            f.write(f"u{i:08d},1{3 + rng.randrange(7)}{rng.randrange(10**9):09d},{name},{rng.choice(CITIES)},"
                    f"L{1 + rng.randrange(5)},{rng.randrange(100000)},{'true' if rng.random() < 0.25 else 'false'},"
                    f"{y}-{m:02d}-{d:02d},{sy}-{sm:02d}-{sd:02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00,"
                    f"{rng.choice(CHANNELS)}\n")


def timed(cmd, cwd, env=None):
    """Runs cmd under /usr/bin/time; returns (wall s, user s, sys s, peak RSS MiB, stdout)."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M", *cmd], cwd=cwd, env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {out.stdout}\n{out.stderr}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    return float(line[1]), float(line[2]), float(line[3]), int(line[4]) / 1024, out.stdout


def rss(pid):
    """(current, peak) RSS of a running process in MiB."""
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith(("VmRSS:", "VmHWM:")):
                vals[l.split(":")[0]] = int(l.split()[1]) / 1024
    return vals.get("VmRSS", 0), vals.get("VmHWM", 0)


class Server:
    def __init__(self, data):
        env = dict(os.environ, CHUDA__AUTH__ADMIN_PASSWORD=PASSWORD, CHUDA__API__RATE_PER_MINUTE="0")
        self.started = time.time()
        self.proc = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{PORT}"], cwd=data, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                urllib.request.urlopen(f"{BASE}/login", timeout=5)
                break
            except Exception:
                if self.proc.poll() is not None or time.time() - self.started > 120:
                    sys.exit("chuda serve did not start")
                time.sleep(0.01)
        self.ready = time.time() - self.started

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def api(path, token, body=None, ndjson=False):
    headers = {"authorization": f"Bearer {token}",
               "content-type": "application/x-ndjson" if ndjson else "application/json"}
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    t = time.time()
    r = json.loads(urllib.request.urlopen(urllib.request.Request(BASE + path, data=data, headers=headers),
                                          timeout=600).read())
    return r, (time.time() - t) * 1000


def login_token():
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    op.open(urllib.request.Request(f"{BASE}/api/auth/login", data=f"username=admin&password={PASSWORD}".encode()))
    req = urllib.request.Request(f"{BASE}/api/tokens/create", data=json.dumps({"name": "bench", "role": "operator"})
                                 .encode(), headers={"content-type": "application/json"})
    return json.loads(op.open(req).read())["token"]


RULE = {"kind": "all", "rules": [
    {"kind": "cond", "attribute": "city", "op": "in", "values": ["上海", "北京", "杭州"]},
    {"kind": "cond", "attribute": "points", "op": "between", "values": ["20000", "60000"]},
    {"kind": "cond", "attribute": "vip", "op": "eq", "values": ["是"]}]}


def first_queries(label, server, token, seg, page_first=False):
    """The first count and member page (either may come first: the first pays for the load)."""
    if page_first:
        p, page_ms = api(f"/api/v1/segments/{seg}/members?limit=50", token)
        c, count_ms = api(f"/api/v1/segments/{seg}/count", token)
        label += " (member page first)"
    else:
        c, count_ms = api(f"/api/v1/segments/{seg}/count", token)
        p, page_ms = api(f"/api/v1/segments/{seg}/members?limit=50", token)
    warm = sorted(api(f"/api/v1/segments/{seg}/count", token)[1] for _ in range(10))
    cur, peak = rss(server.proc.pid)
    print(f"{label}: ready {server.ready * 1000:.0f} ms; first count {count_ms:.0f} ms ({c['members']} members); "
          f"first member page {page_ms:.0f} ms ({len(p['items'])} rows); warm count median {warm[5]:.1f} ms; "
          f"server RSS {cur:.0f} MiB (peak {peak:.0f})")
    return c["members"]


def main():
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    work = keep or tempfile.mkdtemp(prefix="chuda-bench-audience-")
    os.makedirs(work, exist_ok=True)
    csv = os.path.join(work, "users.csv")
    try:
        if not os.path.exists(csv):
            t = time.time()
            generate(csv, N)
            print(f"generated {N:,} users × 10 columns: {os.path.getsize(csv) / 1e6:.1f} MB in {time.time() - t:.1f} s")
        raw = os.path.join(work, "raw.db")
        if os.path.exists(raw):
            os.remove(raw)
        sw, su, ss, srss, _ = timed(["sqlite3", raw, ".mode csv", f".import {csv} users"], work)
        print(f"sqlite3 .import: {sw:.2f} s (user {su:.1f} s, sys {ss:.1f} s, peak RSS {srss:.0f} MiB)")
        data = os.path.join(work, "chuda")
        shutil.rmtree(data, ignore_errors=True)
        os.makedirs(data)
        cw, cu, cs, crss, out = timed([BINARY, "import", "users", csv], data)
        print(f"chuda import users: {cw:.2f} s (user {cu:.1f} s, sys {cs:.1f} s, peak RSS {crss:.0f} MiB) "
              f"→ ratio {cw / sw:.2f}× sqlite3")
        print("  " + out.strip().splitlines()[0])

        server = Server(data)
        token = login_token()
        seg, create_ms = api("/api/v1/segments", token, {"name": "bench", "rule": RULE})
        print(f"first start: segment created (first, cold count included) in {create_ms:.0f} ms")
        first_queries("after import, first start", server, token, seg["id"])
        server.stop()
        server = Server(data)
        first_queries("after restart", server, token, seg["id"])
        server.stop()
        server = Server(data)
        first_queries("after restart", server, token, seg["id"], page_first=True)
        rng = random.Random(7)
        body = "\n".join(json.dumps({"user_id": f"u{rng.randrange(N):08d}", "points": rng.randrange(100000)})
                         for _ in range(10_000)).encode()
        r, up_ms = api("/api/v1/users", token, body, ndjson=True)
        print(f"API upsert of 10,000 users (points): {up_ms:.0f} ms")
        first_queries("after an API import", server, token, seg["id"])
        server.stop()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
