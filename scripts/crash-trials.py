#!/usr/bin/env python3
"""Kill -9 trials and a fault run for the sending guarantee (figures, not a CI test).

Each trial: a fresh data dir, the release `chuda serve` pointed at a running `chuda simulate-253`
(records on), N users imported, a 通知 campaign started; after a random delay the server is killed with
SIGKILL and restarted on the same data; when the campaign has finished, the simulator must have
accepted every phone at most once, and submitted + unknown + failed must equal the planned count.

`--faults`: no kill; the simulator answers 10 % of requests with HTTP 503, 10 % with 103 (提交过快)
and accepts 10 % but answers only after the client's 10 s timeout (the sender cannot know); delivery
reports are queued for the pull loop. The campaign must complete with every recipient accounted for
and no phone accepted twice.

Usage: scripts/crash-trials.py [trials] [users] [--faults]   (builds nothing: run scripts/build-release.sh first)
"""
import http.cookiejar, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "chuda")
PASSWORD = "crash-trial-admin-1"
# 50,000 msg/s: a 100,000-phone campaign sends for about 2 s, so the kill (0.05–1.5 s after the
# start) lands mid-send; the default 1,000 msg/s would make each trial take minutes.
RATE = "50000"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, seconds=20):
    for _ in range(seconds * 10):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Console:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def login(self):
        data = f"username=admin&password={PASSWORD}".encode()
        self.opener.open(urllib.request.Request(self.base + "/api/auth/login", data=data), timeout=10)

    def call(self, endpoint, body):
        req = urllib.request.Request(self.base + "/api/" + endpoint, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        return json.loads(self.opener.open(req, timeout=60).read() or b"null")

    def upload(self, csv_bytes):
        boundary = "chudatrial"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + csv_bytes + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + "/api/users/import", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return json.loads(self.opener.open(req, timeout=300).read())


def serve(data_dir, port):
    env = dict(os.environ, CHUDA__AUTH__ADMIN_PASSWORD=PASSWORD, CHUDA__LOG__LEVEL="warn",
               CHUDA__SENDING__RATE_PER_SEC=RATE)
    p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/login")
    return p


def trial(n, users, sim_url):
    data = tempfile.mkdtemp(prefix="chuda-crash-")
    port = free_port()
    server = serve(data, port)
    try:
        c = Console(port)
        c.login()
        c.call("settings/chuanglan", {"form": {"enabled": True, "signature": "示例商城", "account": "N1234567",
                                                "password": "sim-password", "host": sim_url, "options": None}})
        csv = "user_id,phone\n" + "".join(f"u{i},{13000000000 + n * 10_000_000 + i}\n" for i in range(users))
        c.upload(csv.encode())
        seg = c.call("segments/save", {"form": {"id": None, "name": "all", "description": "", "kind": "rule", "list": "",
                                                "rule": {"all": True, "conditions": [{"attribute": "phone", "op": "is_set",
                                                                                      "values": []}], "groups": []}}})
        # 通知 (notification): not held by the marketing send window, whatever the time of day.
        form = {"name": f"trial {n}", "segment_id": seg["id"], "vendor": "chuanglan", "signature": "示例商城", "mode": "text",
                "content": "您的订单已发货，请注意查收", "template_id": "", "template_params": "", "bindings": [],
                "schedule": "", "kind": "notification"}
        cid = c.call("campaigns/create", {"form": form, "start_now": True, "key": f"trial-{n}"})
        if not FAULTS:
            time.sleep(random.uniform(0.05, 1.5))
            server.send_signal(signal.SIGKILL)
            server.wait()
            server = serve(data, port)
            c.login()
        for _ in range(6000):
            d = c.call("campaigns/get", {"id": cid})
            if d["row"]["status"] not in ("sending", "scheduled"):
                break
            time.sleep(0.1)
        return d["row"]
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


FAULTS = "--faults" in sys.argv
FAULT_CONFIG = """balance = 1000000000000
http_5xx_rate = 0.1
lost_answer_rate = 0.1
lost_answer_ms = 11000
[failure_rates]
"103" = 0.1
"""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    trials = int(args[0]) if args else (1 if FAULTS else 10)
    users = int(args[1]) if len(args) > 1 else 100_000
    sim_port = free_port()
    cmd = [BIN, "simulate-253", "--listen", f"127.0.0.1:{sim_port}", "--balance", "1000000000000"]
    if FAULTS:
        conf = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
        conf.write(FAULT_CONFIG)
        conf.close()
        cmd += ["--config", conf.name]
    else:
        cmd += ["--no-reports"]
    sim = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sim_url = f"http://127.0.0.1:{sim_port}"
    wait_http(sim_url + "/sim/stats")
    failures = 0
    try:
        for n in range(trials):
            before = json.loads(urllib.request.urlopen(sim_url + "/sim/stats").read())
            row = trial(n, users, sim_url)
            after = json.loads(urllib.request.urlopen(sim_url + "/sim/stats").read())
            accepted = after["accepted_phones"] - before["accepted_phones"]
            distinct = after["distinct_phones"] - before["distinct_phones"]
            planned = row["planned"] or 0
            ok = accepted == distinct and row["submitted"] + row["unknown"] + row["failed"] == planned \
                and accepted >= row["submitted"] and accepted <= row["submitted"] + row["unknown"]
            ok = ok and (not FAULTS or row["status"] == "completed")
            failures += 0 if ok else 1
            print(f"trial {n + 1}: {row['status_label']}, planned {planned}, submitted {row['submitted']}, "
                  f"unknown {row['unknown']}, failed {row['failed']}, queued {row['queued']}; simulator accepted "
                  f"{accepted} ({distinct} distinct), {after['requests'] - before['requests']} requests "
                  f"→ {'ok' if ok else 'VIOLATION'}", flush=True)
    finally:
        sim.send_signal(signal.SIGKILL)
    print(f"{trials - failures}/{trials} trials kept every phone at most once with nothing lost")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
