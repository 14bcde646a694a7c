#!/usr/bin/env python3
"""Bounded load loop for bench/swarm/run.sh: GETs until STOP_FILE exists or MAX_SECONDS pass, then prints
"requests N failed F". A request fails when it gets no 200 within 5 s.

  load.py route URL STOP_FILE MAX_SECONDS        every request to URL (Slipway's route on 127.0.0.1)
  load.py tasks SERVICE STOP_FILE MAX_SECONDS    round robin over the service's running tasks at their node
      address and host-mode port, the list read from the manager's API every 0.5 s (what a client without the
      routing mesh, which needs IPVS, can do)
Only addresses on this machine are used: 127.0.0.1 and the swarm bridge 10.213.0.0/24.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request

PARALLEL = 4


class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=5)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect("/var/run/docker.sock")


def api(path):
    c = UnixConnection()
    try:
        c.request("GET", path)
        return json.loads(c.getresponse().read())
    finally:
        c.close()


def task_endpoints(service):
    nodes = {n["ID"]: n["Status"].get("Addr") for n in api("/nodes")}
    filters = urllib.parse.quote(json.dumps({"service": [service], "desired-state": ["running"]}))
    out = []
    for t in api("/tasks?filters=" + filters):
        if t["Status"]["State"] != "running":
            continue
        for p in t["Status"].get("PortStatus", {}).get("Ports", []) or []:
            addr = nodes.get(t.get("NodeID"))
            if addr and addr != "0.0.0.0":
                out.append("http://%s:%d/" % (addr, p["PublishedPort"]))
    return out


def main():
    mode, target, stop_file, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    deadline = time.monotonic() + max_seconds
    lock = threading.Lock()
    counts = {"requests": 0, "failed": 0}
    endpoints = [target] if mode == "route" else task_endpoints(target)
    state = {"endpoints": endpoints, "next": 0}

    def running():
        return time.monotonic() < deadline and not os.path.exists(stop_file)

    def refresh():
        while running():
            time.sleep(0.5)
            try:
                found = task_endpoints(target)
                with lock:
                    state["endpoints"] = found
            except OSError:
                pass

    def worker():
        while running():
            with lock:
                eps = state["endpoints"]
                url = eps[state["next"] % len(eps)] if eps else None
                state["next"] += 1
            ok = False
            if url:
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        ok = r.status == 200
                        r.read()
                except OSError:
                    ok = False
            with lock:
                counts["requests"] += 1
                counts["failed"] += 0 if ok else 1
            if not url:
                time.sleep(0.05)

    threads = [threading.Thread(target=worker) for _ in range(PARALLEL)]
    if mode == "tasks":
        threads.append(threading.Thread(target=refresh))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("requests %d failed %d" % (counts["requests"], counts["failed"]))


if __name__ == "__main__":
    main()
